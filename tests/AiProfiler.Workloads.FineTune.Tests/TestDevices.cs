using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.OpenCL;

namespace AiProfiler.Workloads.FineTune.Tests;

/// <summary>CPU devices for tests, opened without the provider's bandwidth probe.</summary>
internal static class TestDevices
{
    public static CpuDevice Cpu(long? hostAvailableBytes = null) =>
        new(
            new DeviceInfo { Id = "cpu", Kind = DeviceKind.Cpu, Name = "test cpu", PeakFlopsPerSecond = 1e11 },
            CpuGemmEngine.Create("auto"),
            hostAvailableBytes is { } bytes ? () => bytes : null);

    /// <summary>
    /// <c>opencl:0</c>: PoCL here and in CI, where its absence is a broken environment to report rather than a reason
    /// to skip.
    /// </summary>
    public static IDevice OpenCl()
    {
        var provider = new OpenClDeviceProvider();
        if (provider.Discover().UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"this test runs on OpenCL (PoCL in CI), which is unavailable here: {reason}");
        }

        return provider.Open(0);
    }

    /// <summary>The mode for a parameter value, as the workload reads it.</summary>
    public static FineTuneMode Mode(string mode) => mode == "lora" ? FineTuneMode.Lora : FineTuneMode.Full;
}
