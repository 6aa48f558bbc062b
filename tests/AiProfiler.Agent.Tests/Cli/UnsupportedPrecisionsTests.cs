using AiProfiler.Agent.Cli;
using AiProfiler.Backends.Ilgpu;
using AiProfiler.Backends.Ilgpu.Gemm;
using AiProfiler.Core.Advice;
using AiProfiler.Testing;

namespace AiProfiler.Agent.Tests.Cli;

/// <summary>
/// Which precisions `advise` refuses per device. On a real H200 it had refused fp16 inference on NVIDIA's OpenCL
/// (CLBlast has no fp16 GEMM, yet the inference workload runs fp16 weights there, decoding them) and predicted fp16
/// inference on ILGPU (its GEMM takes fp16, but its devices decode fp32 weights only).
/// </summary>
[Collection(TestDevices.SharedOpenClCollection)]
public sealed class UnsupportedPrecisionsTests
{
    [Fact]
    public void Inference_OpenClWithoutHalfGemm_RunsEveryWeightFormat()
    {
        var device = TestDevices.OpenCl();
        Assert.False(device.Ops.SupportsGemm(Abstractions.Devices.DataType.Float16), "PoCL's CLBlast has no fp16 GEMM");

        Assert.Empty(AdviseCommand.UnsupportedPrecisions(device, AdviceTask.Inference));
    }

    [Fact]
    public void FineTune_OpenClWithoutHalfGemm_RefusesTheHalfPrecisionsSayingWhy()
    {
        var unsupported = AdviseCommand.UnsupportedPrecisions(TestDevices.OpenCl(), AdviceTask.FineTune);

        Assert.Equal(["bf16", "fp16"], unsupported.Keys.Order(StringComparer.Ordinal));
        Assert.EndsWith("GEMM has no fp16", unsupported["fp16"], StringComparison.Ordinal);
    }

    [Fact]
    public void Inference_IlgpuDevice_RefusesEveryFormatButFp32()
    {
        using var device = new IlgpuDeviceProvider(IlgpuTarget.Cpu, IlgpuGemmChoice.Auto).Open(0);

        var unsupported = AdviseCommand.UnsupportedPrecisions(device, AdviceTask.Inference);

        Assert.Equal(WeightPrecision.All.Select(p => p.Name).Where(n => n != "fp32").Order(StringComparer.Ordinal), unsupported.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("it does not decode q4_k weights", unsupported["q4_k"]);
    }

    [Fact]
    public void EveryTask_Cpu_RunsEveryPrecision()
    {
        using var cpu = TestDevices.Cpu();

        Assert.Empty(AdviseCommand.UnsupportedPrecisions(cpu, AdviceTask.Inference));
        Assert.Empty(AdviseCommand.UnsupportedPrecisions(cpu, AdviceTask.Train));
    }
}
