using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cuda.Tests;

public sealed class CudaDeviceProviderTests
{
    private static readonly CudaLibraryNames Missing =
        new("libaiprofiler-missing-cuda.so.1", "libaiprofiler-missing-nvrtc.so.12", "libaiprofiler-missing-cublas.so.12");

    [Fact]
    public void Discover_DriverLibraryMissing_IsUnavailableWithTheReason()
    {
        var discovery = new CudaDeviceProvider(Missing).Discover();

        Assert.Empty(discovery.Devices);
        Assert.Equal("libaiprofiler-missing-cuda.so.1 not found (no NVIDIA driver)", discovery.UnavailableReason);
    }

    [Fact]
    public void Discover_DefaultNames_ReportsTheMissingDriverOrTheDevices()
    {
        var discovery = new CudaDeviceProvider().Discover();

        if (!NativeLibrary.TryLoad(CudaLibraryNames.Default.Driver, out var driver))
        {
            Assert.Empty(discovery.Devices);
            Assert.Equal($"{CudaLibraryNames.Default.Driver} not found (no NVIDIA driver)", discovery.UnavailableReason);
            return;
        }

        // A machine with a driver: either devices, or one line saying what is missing.
        NativeLibrary.Free(driver);
        Assert.True(discovery.Devices.Count > 0 ^ discovery.UnavailableReason is not null);
        Assert.All(discovery.Devices, d => Assert.StartsWith("cuda:", d.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void Discover_LibraryThatIsNotTheDriver_SaysWhichEntryPointIsMissing()
    {
        // The C library loads, but exports none of the driver API: nothing may be called in it.
        var libc = OperatingSystem.IsWindows() ? "kernel32.dll" : OperatingSystem.IsMacOS() ? "libSystem.dylib" : "libc.so.6";
        var discovery = new CudaDeviceProvider(Missing with { Driver = libc }).Discover();

        Assert.Empty(discovery.Devices);
        Assert.StartsWith($"{libc} does not export cu", discovery.UnavailableReason, StringComparison.Ordinal);
        Assert.EndsWith("(NVIDIA driver too old; CUDA 12 needs driver 525 or later)", discovery.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Unavailable_ThrowsWithTheReason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new CudaDeviceProvider(Missing).Open(0));
        Assert.Equal("cuda is unavailable: libaiprofiler-missing-cuda.so.1 not found (no NVIDIA driver)", error.Message);
    }

    [Fact]
    public void Identity_IsTheCudaBackend()
    {
        var provider = new CudaDeviceProvider(Missing);
        Assert.Equal("cuda", provider.Prefix);
        Assert.Equal(DeviceKind.Cuda, provider.Kind);
    }
}
