using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Testing;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference.Tests.Llama;

public sealed class RopeScalingFileTests
{
    private static readonly LlamaConfig Linear = LlamaConfig.Tiny with { RopeScaling = RopeScaling.LinearBy(4) };

    private readonly InferenceWorkload _workload = new();

    [Fact]
    public void Prefill_GgufWithLinearRopeScaling_MatchesAFloat64ReferenceWithPositionsDividedByTheFactor()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("linear.gguf");
        using var weights = new SeededLlamaWeights(Linear, 1234, DataType.Float32);
        GgufWriter.WriteModel(path, Linear, weights);
        var tensors = LlamaTensors.For(Linear).ToDictionary(s => s.Name, weights.Values);
        int[] prompt = [17, 200, 3, 64, 99, 128, 5, 250, 42, 7, 180, 33];
        using var device = TestDevices.Cpu();
        using var prepared = (PreparedInference)_workload.Prepare(device, Parameters(("weights", path), ("prompt_ids", string.Join(",", prompt)), ("gen", "16")));

        prepared.Decoder.Prefill(prompt, 1, prompt.Length);
        var logits = new float[prompt.Length * Linear.Vocab];
        prepared.Decoder.Logits(Enumerable.Range(0, prompt.Length).ToArray(), logits);

        // Linear scaling by 4 rotates position p as the unscaled model rotates p/4.
        var plain = (Linear with { RopeScaling = null }).RopeFrequencies();
        Assert.Equal(plain.Select(f => f / 4), Linear.RopeFrequencies());
        using (var file = GgufLlamaWeights.Open(path))
        {
            Assert.Equal(RopeScaling.LinearBy(4), file.Config.RopeScaling);
        }

        var expected = ReferenceLlama.Logits(Linear, name => tensors[name], prompt);
        var unscaled = ReferenceLlama.Logits(Linear with { RopeScaling = null }, name => tensors[name], prompt);
        var scale = expected.SelectMany(row => row).Max(Math.Abs);
        Assert.True(Worst(logits, expected) / scale < 1e-5, $"max relative error {Worst(logits, expected) / scale:e2}");
        Assert.True(Worst(logits, unscaled) / scale > 1e-4, "the scaling changes the logits by more than the tolerance, so the check above sees it");
    }

    [Theory]
    [InlineData("yarn")]
    [InlineData("longrope")]
    public void Prepare_GgufWithAnotherRopeScalingType_NamesTheKeyAndTheSupportedValues(string type)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("yarn.gguf");
        using (var weights = new SeededLlamaWeights(LlamaConfig.Tiny, 1, DataType.Float32))
        {
            GgufWriter.WriteModel(path, LlamaConfig.Tiny, weights, (metadata, _) =>
            {
                metadata["llama.rope.scaling.type"] = type;
                metadata["llama.rope.scaling.factor"] = 4f;
            });
        }

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"metadata key 'llama.rope.scaling.type' in '{path}' is '{type}'; supported: none, linear (Llama 3's scaling comes as the tensor 'rope_freqs.weight')", error.Message);
    }

    [Fact]
    public void Prepare_GgufWithLinearScalingOfFactorZero_NamesTheKey()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("zero.gguf");
        using (var weights = new SeededLlamaWeights(Linear, 1, DataType.Float32))
        {
            GgufWriter.WriteModel(path, Linear, weights, (metadata, _) => metadata["llama.rope.scaling.factor"] = 0f);
        }

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"metadata key 'llama.rope.scaling.factor' in '{path}' is 0; expected a positive number", error.Message);
    }

    [Theory]
    [InlineData("{\"type\":\"linear\",\"factor\":2.0}", null)]
    [InlineData("{\"rope_type\":\"yarn\",\"factor\":2.0}", "has rope_scaling type 'yarn'; supported: llama3, linear (or none)")]
    [InlineData("{\"type\":\"linear\",\"factor\":-1}", "has rope_scaling factor -1; expected a positive number")]
    public void ConfigBeside_RopeScalingOfConfigJson_IsLinearOrOneLine(string scaling, string? error)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("model.safetensors");
        var configPath = directory.File("config.json");
        File.WriteAllText(configPath,
            $"{{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":256,\"intermediate_size\":512,\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"vocab_size\":256,\"max_position_embeddings\":256,\"rms_norm_eps\":1e-5,\"rope_scaling\":{scaling}}}");

        if (error is null)
        {
            Assert.Equal(RopeScaling.LinearBy(2), SafetensorsLlamaWeights.ConfigBeside(path)!.RopeScaling);
        }
        else
        {
            var thrown = Assert.Throws<InvalidDataException>(() => SafetensorsLlamaWeights.ConfigBeside(path));
            Assert.Equal($"'{Path.GetFullPath(configPath)}' {error}", thrown.Message);
        }
    }

    private static double Worst(float[] logits, double[][] expected) =>
        Enumerable.Range(0, logits.Length).Max(i => Math.Abs(logits[i] - expected[i / Linear.Vocab][i % Linear.Vocab]));

    private ParameterSet Parameters(params (string Name, string Value)[] values) =>
        ParameterSet.Create(_workload.Name, _workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value.ToString(CultureInfo.InvariantCulture)));
}
