using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Tests.FakeCuda;

namespace AiProfiler.Backends.Cuda.Tests;

[Collection(FakeCudaCollection.Name)]
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
    public void Discover_DefaultNamesWithoutADriver_SaysTheDriverIsMissing()
    {
        if (NativeLibrary.TryLoad(CudaLibraryNames.Default.Driver, out var driver))
        {
            NativeLibrary.Free(driver);
            Assert.Skip("a real CUDA driver is installed here, so the missing-driver message cannot be shown");
        }

        var discovery = new CudaDeviceProvider().Discover();

        Assert.Empty(discovery.Devices);
        Assert.Equal($"{CudaLibraryNames.Default.Driver} not found (no NVIDIA driver)", discovery.UnavailableReason);
    }

    [Fact]
    public void Discover_DriverWithoutNvrtc_SaysToInstallNvrtc()
    {
        var discovery = new CudaDeviceProvider(FakeCudaLibrary.Names with { Nvrtc = Missing.Nvrtc }).Discover();

        Assert.Empty(discovery.Devices);
        Assert.Equal(
            "libaiprofiler-missing-nvrtc.so.12 not found (install NVRTC from the CUDA 12 or 13 toolkit, or put its folder on the library search path)",
            discovery.UnavailableReason);
    }

    [Fact]
    public void Discover_NoneOfTheNvrtcNamesFound_NamesEachOne()
    {
        var names = FakeCudaLibrary.Names with { Nvrtc = ["libaiprofiler-missing-nvrtc.so.13", "libaiprofiler-missing-nvrtc.so.12"] };

        var discovery = new CudaDeviceProvider(names).Discover();

        Assert.StartsWith("libaiprofiler-missing-nvrtc.so.13 or libaiprofiler-missing-nvrtc.so.12 not found (", discovery.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_FirstNameMissingSecondPresent_UsesTheSecond()
    {
        // A CUDA 12 machine: the CUDA 13 names are tried first and are not there.
        var names = FakeCudaLibrary.Names with
        {
            Nvrtc = ["libaiprofiler-missing-nvrtc.so.13", FakeCudaLibrary.Names.Nvrtc[0]],
            Cublas = ["libaiprofiler-missing-cublas.so.13", FakeCudaLibrary.Names.Cublas[0]],
        };
        var provider = new CudaDeviceProvider(names);

        Assert.Null(provider.Discover().UnavailableReason);
        using var device = provider.Open(0);
        Assert.Equal("cublas", device.Ops.GemmImplementation);
    }

    [Fact]
    public void Open_DriverWithoutCublas_RunsGemmOnTheTiledKernel()
    {
        var provider = new CudaDeviceProvider(FakeCudaLibrary.Names with { Cublas = Missing.Cublas });

        Assert.Null(provider.Discover().UnavailableReason);
        using var device = provider.Open(0);
        Assert.Equal("tiled-kernel", device.Ops.GemmImplementation);
    }

    [Fact]
    public void Discover_DriverFindsNoGpu_SaysNoCudaDevice()
    {
        FakeCudaLibrary.SetInitResult(100);
        try
        {
            var discovery = new CudaDeviceProvider(FakeCudaLibrary.Names).Discover();

            Assert.Empty(discovery.Devices);
            Assert.Equal("no CUDA device: CUDA_ERROR_NO_DEVICE", discovery.UnavailableReason);
        }
        finally
        {
            FakeCudaLibrary.SetInitResult(0);
        }
    }

    [Fact]
    public void Open_IndexPastTheDevices_NamesTheDevicesThereAre()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CudaDeviceProvider(FakeCudaLibrary.Names).Open(1));
        Assert.StartsWith("there is no device cuda:1; this machine has cuda:0 only", error.Message, StringComparison.Ordinal);
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
