using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>CPU devices for tests, opened without the provider's start-up STREAM probe.</summary>
internal static class TestDevices
{
    public static CpuDevice Cpu(string gemm = "auto") => new(
        new DeviceInfo { Id = "cpu", Kind = DeviceKind.Cpu, Name = "test cpu" },
        CpuGemmEngine.Create(gemm));
}
