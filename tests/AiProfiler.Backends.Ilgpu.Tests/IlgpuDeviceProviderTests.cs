using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Ilgpu;
using AiProfiler.Core.Devices;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>What <c>aiprofiler devices</c> shows for the three ILGPU backends on this machine.</summary>
[Collection(IlgpuEmulatorCollection.Name)]
public sealed class IlgpuDeviceProviderTests
{
    [Fact]
    public void Discover_Cpu_FindsOneEmulatorDevice()
    {
        var discovery = new IlgpuDeviceProvider(IlgpuTarget.Cpu).Discover();

        Assert.Null(discovery.UnavailableReason);
        var device = Assert.Single(discovery.Devices);
        Assert.Equal("ilgpu-cpu", device.Id);
        Assert.True(device.IsEmulator);
        Assert.StartsWith("emulator:", device.PeakSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_OpenClWithoutGenericAddressSpace_IsUnavailableWithIlgpusReason()
    {
        // test.sh installs PoCL, whose CPU device offers OpenCL C 1.2 without generic address space; NVIDIA's OpenCL
        // 3.0 lacks it too (seen on an H200), and either is named with its platform and version.
        var discovery = new IlgpuDeviceProvider(IlgpuTarget.OpenCL).Discover();
        Assert.SkipWhen(discovery.Devices.Count > 0, "an OpenCL device with generic address space is present, so ilgpu-opencl is available here");

        Assert.Empty(discovery.Devices);
        Assert.Matches(
            @"^no OpenCL device with generic address space support \(OpenCL 2\.0\), which ILGPU requires: '[^']+' \([^,]+, [^)]+\)(; '[^']+' \([^,]+, [^)]+\))*: GenericAddressSpace feature is not supported on this device$",
            discovery.UnavailableReason);
    }

    [Fact]
    public void Discover_Cuda_ReportsTheDriverOrItsDevices()
    {
        var discovery = new IlgpuDeviceProvider(IlgpuTarget.Cuda).Discover();

        if (IlgpuNativeLibraries.DriverLoads("cuda"))
        {
            Assert.True(discovery.Devices.Count > 0 || discovery.UnavailableReason == "the NVIDIA driver reports no CUDA device", discovery.UnavailableReason);
        }
        else
        {
            Assert.Equal("libcuda.so.1 not found (no NVIDIA driver)", discovery.UnavailableReason);
        }
    }

    [Fact]
    public void Registry_ListsTheThreeBackends_AndLeavesTheEmulatorOutOfAll()
    {
        using var registry = new DeviceRegistry(
            [new IlgpuDeviceProvider(IlgpuTarget.Cuda), new IlgpuDeviceProvider(IlgpuTarget.OpenCL), new IlgpuDeviceProvider(IlgpuTarget.Cpu)],
            NullLogger<DeviceRegistry>.Instance);

        Assert.Equal(["ilgpu-cuda", "ilgpu-opencl", "ilgpu-cpu"], registry.Backends.Select(b => b.Prefix));
        Assert.Contains(registry.Devices, d => d.Id == "ilgpu-cpu");
        Assert.DoesNotContain(registry.MeasuringDevices, d => d.IsEmulator);
        Assert.Null(registry.Validate("ILGPU-CPU"));
        Assert.Equal("ilgpu-cpu", registry.Open("ilgpu-cpu:0").Info.Id);
    }

    [Fact]
    public void GetCapability_OnIlgpuDevice_GivesItsAccelerator_AndOtherDevicesNone()
    {
        using IDevice cpu = Testing.TestDevices.Cpu();
        var ilgpu = IlgpuTestDevices.Cpu().GetCapability<IIlgpuDevice>();

        Assert.NotNull(ilgpu);
        Assert.Equal(ILGPU.Runtime.AcceleratorType.CPU, ilgpu.Accelerator.AcceleratorType);
        Assert.Null(cpu.GetCapability<IIlgpuDevice>());
    }

    [Fact]
    public void Contract_DoesNotReferenceIlgpu()
    {
        var references = typeof(IDevice).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain(references, name => name!.StartsWith("ILGPU", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_UnknownGemmSetting_MakesTheBackendUnavailableWithTheFix()
    {
        Environment.SetEnvironmentVariable(IlgpuDeviceProvider.GemmEnvironmentVariable, "fastest");
        try
        {
            var discovery = new IlgpuDeviceProvider(IlgpuTarget.Cpu).Discover();

            Assert.Equal("AIPROFILER_ILGPU_GEMM='fastest' is not a GEMM choice; use auto, tiled or cublas", discovery.UnavailableReason);
        }
        finally
        {
            Environment.SetEnvironmentVariable(IlgpuDeviceProvider.GemmEnvironmentVariable, null);
        }
    }
}
