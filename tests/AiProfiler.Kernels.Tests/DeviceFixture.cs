using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Testing;

namespace AiProfiler.Kernels.Tests;

/// <summary>
/// The device under test, <c>opencl:0</c> (PoCL in CI) with the tiled GEMM kernel, and the CPU backend as the
/// semantic reference. Opened once for the whole collection, so the kernel library is built once.
/// </summary>
public sealed class DeviceFixture : IDisposable
{
    public DeviceFixture()
    {
        // opencl:0 (PoCL in CI), or the GPU backend AIPROFILER_TEST_ACCELERATOR names.
        OpenCl = TestDevices.AcceleratorProvider(forceTiledGemm: true).Open(0);
        Cpu = new CpuDeviceProvider("simd").Open(0);
    }

    public IDevice OpenCl { get; }

    public IDevice Cpu { get; }

    public void Dispose()
    {
        OpenCl.Dispose();
        Cpu.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DeviceCollection : ICollectionFixture<DeviceFixture>
{
    public const string Name = "OpenCL device";
}
