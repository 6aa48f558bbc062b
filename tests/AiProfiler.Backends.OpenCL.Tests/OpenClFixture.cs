using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Backends.OpenCL.Tests;

/// <summary>
/// <c>opencl:0</c> (PoCL in CI) as the backend opens it by default (CLBlast GEMM when installed), and the CPU backend
/// as the reference. Opened once for the collection: PoCL compiles each program and kernel on first use.
/// </summary>
public sealed class OpenClFixture : IDisposable
{
    public OpenClFixture()
    {
        Provider = new OpenClDeviceProvider(new OpenClOptions());
        if (Provider.Discover().UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"these tests run on OpenCL (PoCL in CI), which is unavailable here: {reason}");
        }

        Device = Provider.Open(0);
        Cpu = new CpuDeviceProvider("simd").Open(0);
    }

    public OpenClDeviceProvider Provider { get; }

    public IDevice Device { get; }

    public IDevice Cpu { get; }

    internal OpenClDevice OpenCl => (OpenClDevice)Device;

    public void Dispose()
    {
        Device.Dispose();
        Cpu.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class OpenClDeviceGroup : ICollectionFixture<OpenClFixture>
{
    public const string Name = "OpenCL device";
}
