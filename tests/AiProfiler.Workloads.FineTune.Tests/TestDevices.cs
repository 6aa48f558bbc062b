using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Workloads.FineTune.Tests;

/// <summary>CPU devices for tests, opened without the provider's bandwidth probe.</summary>
internal static class TestDevices
{
    public static CpuDevice Cpu(long? hostAvailableBytes = null) =>
        new(
            new DeviceInfo { Id = "cpu", Kind = DeviceKind.Cpu, Name = "test cpu", PeakFlopsPerSecond = 1e11 },
            CpuGemmEngine.Create("auto"),
            hostAvailableBytes is { } bytes ? () => bytes : null);

    /// <summary>The mode for a parameter value, as the workload reads it.</summary>
    public static FineTuneMode Mode(string mode) => mode == "lora" ? FineTuneMode.Lora : FineTuneMode.Full;
}
