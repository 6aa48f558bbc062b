using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Testing;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference.Tests.Llama;

[Collection(TestDevices.SharedOpenClCollection)]
public sealed class LlamaInferenceTests
{
    private readonly InferenceWorkload _workload = new();

    public static TheoryData<string, string> DevicesAndPrecisions()
    {
        var cases = new TheoryData<string, string>();
        foreach (var device in new[] { "cpu", "opencl" })
        {
            foreach (var precision in new[] { "fp32", "fp16", "bf16", "q8_0", "q4_0", "q4_k", "q6_k" })
            {
                cases.Add(device, precision);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(DevicesAndPrecisions))]
    public void Verify_LlamaTinyEachPrecision_PassesAndMatchesTheCpuTokens(string device, string precision)
    {
        var parameters = Parameters(("preset", "llama-tiny"), ("precision", precision), ("batch", "2"), ("prompt", "12"), ("gen", "6"));
        using var cpu = TestDevices.Cpu();
        using var reference = (PreparedInference)_workload.Prepare(cpu, parameters);
        using var prepared = (PreparedInference)_workload.Prepare(device == "cpu" ? cpu : TestDevices.OpenCl(), parameters);

        reference.Run(Context());
        prepared.Run(Context());
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(reference.GeneratedTokens.ToArray(), prepared.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Prefill_LlamaTiny_LogitsMatchAFloat64Reference()
    {
        using var device = TestDevices.Cpu();
        using var prepared = (PreparedInference)_workload.Prepare(device, Parameters(("preset", "llama-tiny"), ("prompt", "9"), ("gen", "16")));
        using var weights = new SeededLlamaWeights(LlamaConfig.Tiny, 1234, DataType.Float32);
        var tensors = LlamaTensors.For(LlamaConfig.Tiny).ToDictionary(s => s.Name, weights.Values);
        var prompt = prepared.Prompts.ToArray();

        prepared.Decoder.Prefill(prompt, 1, prompt.Length);
        var logits = new float[prompt.Length * LlamaConfig.Tiny.Vocab];
        prepared.Decoder.Logits(Enumerable.Range(0, prompt.Length).ToArray(), logits);
        var expected = ReferenceLlama.Logits(LlamaConfig.Tiny, name => tensors[name], prompt);

        var scale = expected.SelectMany(row => row).Max(Math.Abs);
        var worst = 0.0;
        for (var t = 0; t < prompt.Length; t++)
        {
            for (var v = 0; v < LlamaConfig.Tiny.Vocab; v++)
            {
                worst = Math.Max(worst, Math.Abs(logits[(t * LlamaConfig.Tiny.Vocab) + v] - expected[t][v]));
            }
        }

        Assert.True(worst / scale < 1e-5, $"max relative error {worst / scale:e2}");
    }

    [Theory]
    [InlineData("llama-tiny", "fp32")]
    [InlineData("llama-tiny", "q4_k")]
    [InlineData("llama-tiny", "q8_0")]
    [InlineData("qwen2-tiny", "fp16")]
    [InlineData("qwen2-tiny", "q4_0")]
    public void Run_GgufWrittenFromSeededWeights_GeneratesTheSeedsTokens(string preset, string precision)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("model.gguf");
        var config = LlamaConfig.FromPreset(preset)!;
        using (var weights = new SeededLlamaWeights(config, 1234, DataTypeExtensions.ParseShortName(precision)))
        {
            GgufWriter.WriteModel(path, config, weights);
        }

        using var device = TestDevices.Cpu();
        using var seeded = (PreparedInference)_workload.Prepare(device, Parameters(("preset", preset), ("precision", precision), ("prompt", "8"), ("gen", "8")));
        using var file = (PreparedInference)_workload.Prepare(device, Parameters(("weights", path), ("prompt_ids", string.Join(',', seeded.Prompts.ToArray())), ("gen", "8")));

        seeded.Run(Context());
        file.Run(Context());
        var result = file.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(seeded.GeneratedTokens.ToArray(), file.GeneratedTokens.ToArray());
        Assert.EndsWith($"sequence 0 generated ids {string.Join(',', file.GeneratedTokens.ToArray())}", result.Detail, StringComparison.Ordinal);

        // The file is read as stored, so its bytes per iteration (the MBU's numerator) are the stored type's, although
        // no precision was passed (it defaults to fp32): a Q8_0 file was counted as fp32, 3.8x too many bytes.
        FloatAssert.Relative(seeded.Cost.Bytes, file.Cost.Bytes);

        // So is the type the run's peak is taken for: a block-quantized file's runs sit under the CPU's int8 roof
        // (a batched Q4_K decode read 103 % of the fp32 one), an fp16 file's under the fp16 peak.
        var type = DataTypeExtensions.ParseShortName(precision);
        Assert.Equal(type, seeded.Cost.Precision);
        Assert.Equal(type, file.Cost.Precision);
    }

    [Theory]
    [InlineData(new[] { DataType.Float32 }, DataType.Float32)]
    [InlineData(new[] { DataType.Float32, DataType.Float16 }, DataType.Float16)]
    [InlineData(new[] { DataType.Float32, DataType.Q6_K, DataType.Q4_K }, DataType.Q4_K)]
    [InlineData(new[] { DataType.Float16, DataType.Q8_0 }, DataType.Q8_0)]
    public void ComputeType_WeightTypes_BlockTypeFirstThenHalfThenFp32(DataType[] weightTypes, DataType expected) =>
        Assert.Equal(expected, PreparedInference.ComputeType(weightTypes));

    [Theory]
    [InlineData("llama-tiny", "fp32")]
    [InlineData("llama-tiny", "bf16")]
    [InlineData("qwen2-tiny", "fp16")]
    public void Run_SafetensorsWithConfigJson_GeneratesTheSeedsTokens(string preset, string precision)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("model.safetensors");
        var config = LlamaConfig.FromPreset(preset)!;
        var type = DataTypeExtensions.ParseShortName(precision);
        using (var weights = new SeededLlamaWeights(config, 1234, type))
        {
            SafetensorsWriter.Write(path, LlamaTensors.For(config).Select(spec =>
            {
                var tensor = weights.Load(spec);
                var dtype = tensor.Type switch { DataType.Float16 => "F16", DataType.BFloat16 => "BF16", _ => "F32" };
                return (SafetensorsLlamaWeights.HuggingFaceName(spec.Name), dtype, spec.Shape.Select(d => (long)d).ToArray(), tensor.Bytes.ToArray());
            }));
        }

        var scaling = config.RopeScaling is { } r
            ? string.Create(CultureInfo.InvariantCulture, $",\"rope_scaling\":{{\"rope_type\":\"llama3\",\"factor\":{r.Factor},\"low_freq_factor\":{r.LowFrequencyFactor},\"high_freq_factor\":{r.HighFrequencyFactor},\"original_max_position_embeddings\":{r.OriginalContext}}}")
            : string.Empty;
        File.WriteAllText(directory.File("config.json"), string.Create(CultureInfo.InvariantCulture,
            $"{{\"architectures\":[\"{(config.Architecture == "llama" ? "LlamaForCausalLM" : "Qwen2ForCausalLM")}\"],\"hidden_size\":{config.DModel},\"intermediate_size\":{config.FeedForward},\"num_hidden_layers\":{config.Layers},\"num_attention_heads\":{config.Heads},\"num_key_value_heads\":{config.KeyHeads},\"vocab_size\":{config.Vocab},\"max_position_embeddings\":{config.Context},\"rope_theta\":{config.RopeTheta},\"rms_norm_eps\":{config.NormEpsilon},\"tie_word_embeddings\":{(config.TiedHead ? "true" : "false")}{scaling}}}"));

        using var device = TestDevices.Cpu();
        using var seeded = (PreparedInference)_workload.Prepare(device, Parameters(("preset", preset), ("precision", precision), ("prompt", "8"), ("gen", "8")));
        using var file = (PreparedInference)_workload.Prepare(device, Parameters(("weights", path), ("prompt_ids", string.Join(',', seeded.Prompts.ToArray())), ("gen", "8")));

        seeded.Run(Context());
        file.Run(Context());

        Assert.True(file.Verify().Passed);
        Assert.Equal(seeded.GeneratedTokens.ToArray(), file.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Prepare_GgufBehindASymbolicLink_LoadsTheFileItPointsTo()
    {
        // Hugging Face's cache keeps each file as a link into a blob folder; the link's own size is a few bytes.
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory);
        var link = directory.File("linked.gguf");
        File.CreateSymbolicLink(link, path);

        using var device = TestDevices.Cpu();
        using var direct = (PreparedInference)_workload.Prepare(device, Parameters(("weights", path), ("prompt", "4"), ("gen", "4")));
        using var linked = (PreparedInference)_workload.Prepare(device, Parameters(("weights", link), ("prompt", "4"), ("gen", "4")));
        direct.Run(Context());
        linked.Run(Context());

        Assert.Equal(direct.GeneratedTokens.ToArray(), linked.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Prepare_TruncatedGguf_FailsWithOneLineNamingTheTensor()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 4096)]);

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Matches(@"^tensor '[\w.]+' in '.*' at data offset \d+ with \d+ bytes does not fit the file of \d+ bytes .*; the file is truncated or corrupt$", error.Message);
    }

    [Fact]
    public void Prepare_WrongMagic_FailsWithOneLine()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory);
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"'{path}' is not a GGUF file: it does not start with the magic 'GGUF'", error.Message);
    }

    [Fact]
    public void Prepare_UnknownTensorType_NamesTheTensorAndTheSupportedTypes()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory, (_, tensors) => tensors[1] = tensors[1] with { Type = 3 });

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"tensor 'blk.0.attn_norm.weight' in '{path}' has ggml type 3; supported: F32 (0), F16 (1), Q4_0 (2), Q8_0 (8), Q4_K (12), Q6_K (14), BF16 (30)", error.Message);
    }

    [Fact]
    public void Prepare_MissingTensor_NamesIt()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory, (_, tensors) => tensors.RemoveAll(t => t.Name == "blk.1.ffn_up.weight"));

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"weights file '{path}' has no tensor 'blk.1.ffn_up.weight', which a llama L=2 D=256 H=4/2 d=64 F=512 V=256 model needs", error.Message);
    }

    [Fact]
    public void Prepare_ShapeMismatch_NamesTheTensorAndBothShapes()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory, (metadata, _) => metadata["llama.feed_forward_length"] = 256u);

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"tensor 'blk.0.ffn_gate.weight' in '{path}' has shape [512, 256] but the model llama L=2 D=256 H=4/2 d=64 F=256 V=256 needs [256, 256]", error.Message);
    }

    [Fact]
    public void Prepare_UnsupportedArchitecture_NamesIt()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteTiny(directory, (metadata, _) => metadata["general.architecture"] = "falcon");

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"'{path}' holds a 'falcon' model; supported GGUF architectures: llama, qwen2, gpt2", error.Message);
    }

    [Fact]
    public void From_PromptIdOutsideTheVocabulary_IsOneLine()
    {
        var error = Assert.Throws<ParameterException>(() => _workload.EstimateMemoryBytes(Parameters(("preset", "llama-tiny"), ("prompt_ids", "1,2,999"))));

        Assert.Equal("prompt_ids of workload 'inference' has token 999, outside the vocabulary of 256; give ids below 256", error.Message);
    }

    private static string WriteTiny(TemporaryDirectory directory, Action<Dictionary<string, object>, List<(string Name, long[] Shape, uint Type, byte[] Data)>>? tamper = null)
    {
        var path = directory.File("tiny.gguf");
        using var weights = new SeededLlamaWeights(LlamaConfig.Tiny, 1, DataType.Float32);
        GgufWriter.WriteModel(path, LlamaConfig.Tiny, weights, tamper);
        return path;
    }

    private static IterationContext Context() => new(CancellationToken.None, [], isWarmup: false);

    private ParameterSet Parameters(params (string Name, string Value)[] values) =>
        ParameterSet.Create(_workload.Name, _workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value.ToString(CultureInfo.InvariantCulture)));
}
