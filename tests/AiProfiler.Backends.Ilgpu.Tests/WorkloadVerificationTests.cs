using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Core.Running;
using AiProfiler.Workloads.Attention;
using AiProfiler.Workloads.FineTune;
using AiProfiler.Workloads.Gemm;
using AiProfiler.Workloads.Inference;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>
/// Every bundled workload runs on <c>ilgpu-cpu</c> as <c>aiprofiler bench</c> runs it (the runner, then the
/// workload's own verification), on shapes small enough for the emulator.
/// </summary>
[Collection(IlgpuEmulatorCollection.Name)]
public sealed class WorkloadVerificationTests
{
    [Theory]
    [InlineData("fp32", "false", "true")]
    [InlineData("fp16", "true", "false")]
    [InlineData("bf16", "false", "false")]
    public async Task Gemm_OnIlgpuCpu_Verifies(string precision, string transposeA, string transposeB) =>
        await AssertVerifies(new GemmWorkload(), ("m", "33"), ("n", "20"), ("k", "27"), ("batch", "2"), ("precision", precision), ("trans_a", transposeA), ("trans_b", transposeB));

    [Theory]
    [InlineData("fused", "true")]
    [InlineData("fused", "false")]
    [InlineData("naive", "true")]
    public async Task Attention_OnIlgpuCpu_Verifies(string variant, string causal) =>
        await AssertVerifies(new AttentionWorkload(), ("batch", "1"), ("heads", "2"), ("seq", "24"), ("head_dim", "16"), ("causal", causal), ("variant", variant));

    /// <summary>
    /// The fine-tuning workload's own verification: a finite-difference gradient check (two forward passes for each of
    /// 144 to 222 sampled weights), then 50 training steps that must halve the loss.
    /// </summary>
    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public async Task FineTune_OnIlgpuCpu_Verifies(string mode) =>
        await AssertVerifies(new FineTuneWorkload(), FineTuneShape(mode));

    /// <summary>
    /// The verification checks ilgpu-cpu against itself (gradients against its own loss); this checks its forward pass
    /// against the CPU backend: one training step from the same weights and tokens gives the same loss.
    /// </summary>
    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void FineTune_OneStepOnIlgpuCpu_GivesTheCpuLoss(string mode)
    {
        var workload = new FineTuneWorkload();
        var parameters = ParameterSet.Create(workload.Name, workload.Parameters, FineTuneShape(mode).ToDictionary(v => v.Name, v => v.Value));
        using var cpu = Testing.TestDevices.Cpu();

        var expected = OneStepLoss(workload, cpu, parameters);
        var actual = OneStepLoss(workload, IlgpuTestDevices.Cpu(), parameters);

        // The loss is a mean over 16 tokens of log-sums over 20 logits, each from a few short dot products.
        Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Abs(expected), $"ilgpu-cpu loss {actual}, CPU backend {expected}");
    }

    [Fact]
    public async Task Inference_OnIlgpuCpu_Verifies() =>
        await AssertVerifies(new InferenceWorkload(), ("preset", "tiny"), ("batch", "2"), ("prompt", "4"), ("gen", "4"));

    private static (string Name, string Value)[] FineTuneShape(string mode) =>
        [("mode", mode), ("layers", "1"), ("d_model", "16"), ("heads", "2"), ("hidden", "32"), ("vocab", "20"), ("batch", "2"), ("seq", "8"), ("rank", "4")];

    private static double OneStepLoss(IWorkload workload, Abstractions.Devices.IDevice device, ParameterSet parameters)
    {
        using var prepared = workload.Prepare(device, parameters);
        var measurements = new Dictionary<string, List<double>>();
        prepared.Run(new IterationContext(CancellationToken.None, measurements, isWarmup: false));
        return measurements["loss"][0];
    }

    private static async Task AssertVerifies(IWorkload workload, params (string Name, string Value)[] values)
    {
        var parameters = ParameterSet.Create(workload.Name, workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value));

        var result = await new Runner().RunAsync(workload, IlgpuTestDevices.Cpu(), parameters, new RunOptions { Iterations = 1, WarmupIterations = 0 });

        Assert.True(result.Outcome == RunOutcome.Passed, $"{result.Outcome}: {result.Error} {result.Verification?.Detail}");
        Assert.Equal("ilgpu-cpu", result.Device.Id);
    }
}
