using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Inference.Tests;

[Collection(TestDevices.SharedOpenClCollection)]
public sealed class InferenceWorkloadTests
{
    private readonly InferenceWorkload _workload = new();

    [Theory]
    [InlineData("auto", 1)]
    [InlineData("simd", 3)]
    public void Verify_TinyPreset_PassesWithDeterministicTokensAndCachedLogitsEqualToRecompute(string gemm, int batch)
    {
        using var device = TestDevices.Cpu(gemm);
        using var prepared = _workload.Prepare(device, Parameters(("batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("prompt", "7"), ("gen", "20")));

        prepared.Run(Context());
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.True(result.MaxError < 1e-5, result.Detail);
        Assert.StartsWith($"greedy output identical in two runs ({batch * 20} tokens)", result.Detail, StringComparison.Ordinal);
        Assert.Contains("over 17 positions; sequence 0 generated ids ", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OnOpenCl_PassesAndGeneratesTheCpuTokens()
    {
        var parameters = Parameters(("batch", "2"), ("prompt", "5"), ("gen", "8"));
        using var cpu = TestDevices.Cpu();
        using var onCpu = (PreparedInference)_workload.Prepare(cpu, parameters);
        using var onOpenCl = (PreparedInference)_workload.Prepare(TestDevices.OpenCl(), parameters);

        onCpu.Run(Context());
        onOpenCl.Run(Context());
        var result = onOpenCl.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(onCpu.GeneratedTokens.ToArray(), onOpenCl.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Verify_PromptOfOneToken_Passes()
    {
        using var device = TestDevices.Cpu();
        using var prepared = _workload.Prepare(device, Parameters(("batch", "2"), ("prompt", "1"), ("gen", "6")));

        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
    }

    [Fact]
    public void Run_TinyPreset_GeneratesTheTokensOfADoublePrecisionReference()
    {
        using var device = TestDevices.Cpu();
        using var prepared = (PreparedInference)_workload.Prepare(device, Parameters(("prompt", "6"), ("gen", "10"), ("seed", "7")));
        using var weights = new SeededWeightSource(ModelConfig.Tiny, 7);
        var tensors = GptTensors.For(ModelConfig.Tiny).ToDictionary(s => s.Name, weights.Load);

        prepared.Run(Context());

        var sequence = prepared.Prompts.ToArray().ToList();
        for (var step = 0; step < 10; step++)
        {
            var logits = ReferenceGpt.Logits(ModelConfig.Tiny, name => tensors[name], [.. sequence])[^1];
            sequence.Add(Array.IndexOf(logits, logits.Max()));
        }

        Assert.Equal(sequence.Skip(6), prepared.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Prefill_TinyPreset_LogitsMatchDoublePrecisionReference()
    {
        using var device = TestDevices.Cpu();
        using var prepared = (PreparedInference)_workload.Prepare(device, Parameters(("prompt", "9"), ("gen", "16")));
        using var weights = new SeededWeightSource(ModelConfig.Tiny, 1234);
        var tensors = GptTensors.For(ModelConfig.Tiny).ToDictionary(s => s.Name, weights.Load);
        var prompt = prepared.Prompts.ToArray();
        var logits = new float[9 * 256];

        prepared.Decoder.Prefill(prompt, 1, 9);
        prepared.Decoder.Logits(Enumerable.Range(0, 9).ToArray(), logits);

        var expected = ReferenceGpt.Logits(ModelConfig.Tiny, name => tensors[name], prompt);
        var scale = expected.SelectMany(row => row).Max(Math.Abs);
        var error = Enumerable.Range(0, 9 * 256).Max(i => Math.Abs(logits[i] - expected[i / 256][i % 256]));
        Assert.InRange(error / scale, 0, 1e-5);
    }

    [Fact]
    public void Run_GenFive_RecordsOneTtftAndATpotPerDecodeStep()
    {
        using var device = TestDevices.Cpu();
        using var prepared = _workload.Prepare(device, Parameters(("prompt", "4"), ("gen", "5")));
        var measurements = new Dictionary<string, List<double>>();

        prepared.Run(new IterationContext(CancellationToken.None, measurements, isWarmup: false));

        Assert.Single(measurements["ttft_seconds"]);
        Assert.Single(measurements["prefill_tokens_per_second"]);
        Assert.Single(measurements["decode_tokens_per_second"]);
        Assert.Equal(4, measurements["tpot_seconds"].Count);
        Assert.Equal(4, measurements["decode_bytes_per_second"].Count);
        Assert.All(measurements["tpot_seconds"], s => Assert.True(s > 0));
        Assert.False(measurements.ContainsKey("decode_mbu_ratio"), "no peak bandwidth is known for the test device");
    }

    [Fact]
    public void Run_SameSeedOnTwoPreparations_GeneratesSameTokens()
    {
        using var device = TestDevices.Cpu();
        using var first = (PreparedInference)_workload.Prepare(device, Parameters(("batch", "2"), ("seed", "99")));
        using var second = (PreparedInference)_workload.Prepare(device, Parameters(("batch", "2"), ("seed", "99")));
        using var other = (PreparedInference)_workload.Prepare(device, Parameters(("batch", "2"), ("seed", "100")));

        first.Run(Context());
        second.Run(Context());
        other.Run(Context());

        Assert.Equal(first.GeneratedTokens.ToArray(), second.GeneratedTokens.ToArray());
        Assert.NotEqual(first.GeneratedTokens.ToArray(), other.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Verify_DecodeAttentionMissingTheNewestKey_FailsAgainstRecompute()
    {
        using var tampering = new TamperingDevice(TestDevices.Cpu());
        using var prepared = _workload.Prepare(tampering.Device, Parameters(("prompt", "5"), ("gen", "6")));
        tampering.Attention = a => a.QueryLength == 1 ? a with { KeyLength = a.KeyLength - 1 } : a;

        var result = prepared.Verify();

        Assert.False(result.Passed);
        Assert.Contains("cached decode logits against a full recompute: max relative error", result.Detail, StringComparison.Ordinal);
        Assert.Contains("> 1e-3 over 6 positions, worst at generated token", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OutputChangingBetweenRuns_FailsAsNotDeterministic()
    {
        using var tampering = new TamperingDevice(TestDevices.Cpu());
        using var prepared = _workload.Prepare(tampering.Device, Parameters(("batch", "2"), ("prompt", "5"), ("gen", "8")));
        prepared.Run(Context());
        tampering.Attention = a => a with { Scale = 40f };

        var result = prepared.Verify();

        Assert.False(result.Passed);
        Assert.Matches(@"^greedy output is not deterministic: \d+ of 16 tokens changed between two runs with seed 1234$", result.Detail);
    }

    [Fact]
    public void Prepare_WeightsFileWithSeededTensors_GeneratesSameTokensAsTheSeed()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("gpt2-tiny.safetensors");
        using (var weights = new SeededWeightSource(ModelConfig.Tiny, 5))
        {
            SafetensorsWriter.WriteModel(path, ModelConfig.Tiny, weights, prefix: "transformer.");
        }

        using var device = TestDevices.Cpu();
        using var seeded = (PreparedInference)_workload.Prepare(device, Parameters(("seed", "5")));
        using var loaded = (PreparedInference)_workload.Prepare(device, Parameters(("seed", "5"), ("weights", path)));
        seeded.Run(Context());
        loaded.Run(Context());

        Assert.Equal(seeded.GeneratedTokens.ToArray(), loaded.GeneratedTokens.ToArray());
        Assert.EndsWith("fp32 gpt2-tiny.safetensors", loaded.Shape, StringComparison.Ordinal);
        Assert.Equal("tiny L=2 D=64 H=4 V=256 C=64 B=1 prompt=16 gen=16 fp32 seeded(5)", seeded.Shape);
    }

    [Fact]
    public void Prepare_MissingWeightsFile_ThrowsNamingTheFileAndTheFix()
    {
        using var device = TestDevices.Cpu();

        var error = Assert.Throws<FileNotFoundException>(() => _workload.Prepare(device, Parameters(("weights", "/nonexistent/gpt2.safetensors"))));

        Assert.Equal("weights file '/nonexistent/gpt2.safetensors' not found; give a local GPT-2 .safetensors file or leave 'weights' empty for seeded weights", error.Message);
        Assert.Equal(0, ((AiProfiler.Backends.Cpu.CpuDevice)device).AllocatedBytes);
    }

    [Theory]
    [InlineData(1, 16, 16)]
    [InlineData(3, 40, 20)]
    public void Prepare_AllocatesExactlyTheEstimateAndDisposeReleasesIt(int batch, int prompt, int gen)
    {
        using var device = TestDevices.Cpu();
        var parameters = Parameters(
            ("batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("prompt", prompt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("gen", gen.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var prepared = _workload.Prepare(device, parameters);
        var allocated = device.AllocatedBytes;
        prepared.Dispose();

        Assert.Equal(_workload.EstimateMemoryBytes(parameters), allocated);
        Assert.Equal(0, device.AllocatedBytes);
    }

    [Fact]
    public void EstimateMemoryBytes_SmallPresetBatchOne_IsWeightsPlusCachePlusActivations()
    {
        var estimate = _workload.EstimateMemoryBytes(Parameters(("preset", "small"), ("prompt", "128"), ("gen", "32")));

        var weights = ModelConfig.Small.ParameterCount * 4L;
        var cache = 2L * 12 * 1024 * 768 * 4;
        Assert.InRange(estimate - weights - cache, 1L << 20, 8L << 20);
    }

    private static IterationContext Context() => new(CancellationToken.None, [], isWarmup: false);

    private ParameterSet Parameters(params (string Name, string Value)[] values) =>
        ParameterSet.Create(_workload.Name, _workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value));
}
