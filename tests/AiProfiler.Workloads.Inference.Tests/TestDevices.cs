using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.OpenCL;

namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>CPU devices for tests (opened without the provider's start-up STREAM probe), and opencl:0 (PoCL in CI).</summary>
internal static class TestDevices
{
    // One OpenCL device for the test run: PoCL compiles each kernel on first use, which is slow on two cores.
    private static readonly Lazy<IDevice> OpenClDevice = new(() =>
    {
        var provider = new OpenClDeviceProvider(new OpenClOptions());
        if (provider.Discover().UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"these tests run on OpenCL (PoCL in CI), which is unavailable here: {reason}");
        }

        return provider.Open(0);
    });

    public static CpuDevice Cpu(string gemm = "auto") => new(
        new DeviceInfo { Id = "cpu", Kind = DeviceKind.Cpu, Name = "test cpu" },
        CpuGemmEngine.Create(gemm));

    public static IDevice OpenCl() => OpenClDevice.Value;
}
