using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Testing;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference.Tests;

[Collection(TestDevices.SharedOpenClCollection)]
public sealed class GgufGptTests
{
    // D = 256 so every row is a whole Q4_K / Q6_K super-block.
    private static readonly ModelConfig Wide = new(2, 256, 4, 256, 64);

    private readonly InferenceWorkload _workload = new();

    public static TheoryData<string, string> DevicesAndTypes()
    {
        var cases = new TheoryData<string, string>();
        foreach (var type in new[] { "fp32", "fp16", "bf16", "q8_0", "q4_0", "q4_k", "q6_k" })
        {
            cases.Add("cpu", type);
        }

        cases.Add("opencl", "q8_0");
        cases.Add("opencl", "q4_k");
        return cases;
    }

    [Fact]
    public void Run_Gpt2GgufFp32FromSeededWeights_GeneratesTheSeedsTokens()
    {
        using var directory = new TemporaryDirectory();
        var path = Write(directory, ModelConfig.Tiny, 5, DataType.Float32);
        using var device = TestDevices.Cpu();
        using var seeded = (PreparedInference)_workload.Prepare(device, Parameters(("seed", "5"), ("gen", "12")));
        using var file = (PreparedInference)_workload.Prepare(device, Parameters(("weights", path), ("prompt_ids", string.Join(',', seeded.Prompts.ToArray())), ("gen", "12")));

        seeded.Run(Context());
        file.Run(Context());
        var result = file.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(seeded.GeneratedTokens.ToArray(), file.GeneratedTokens.ToArray());
        Assert.Equal("file L=2 D=64 H=4 V=256 C=64 B=1 prompt=16 gen=12 gpt2.gguf", file.Shape);

        // An fp32 file with a tied head reads the same bytes per step as the seeded fp32 model.
        FloatAssert.Relative(seeded.Cost.Bytes, file.Cost.Bytes);
    }

    [Fact]
    public void Verify_Gpt2GgufQ8BatchOfThree_CachedDecodeEqualsRecompute()
    {
        using var directory = new TemporaryDirectory();
        var path = Write(directory, ModelConfig.Tiny, 3, DataType.Q8_0);
        using var device = TestDevices.Cpu();
        using var file = _workload.Prepare(device, Parameters(("weights", path), ("batch", "3"), ("prompt", "7"), ("gen", "20")));

        file.Run(Context());
        var result = file.Verify();

        Assert.True(result.Passed, result.Detail);
    }

    [Theory]
    [MemberData(nameof(DevicesAndTypes))]
    public void Run_Gpt2GgufEachType_MatchesAFloat64ReferenceOfTheStoredWeights(string deviceName, string typeName)
    {
        var type = DataTypeExtensions.ParseShortName(typeName);
        using var directory = new TemporaryDirectory();
        var path = Write(directory, Wide, 11, type);
        using var seeded = new SeededWeightSource(Wide, 11);

        // The model is what the file holds: each tensor as stored, decoded back to fp32 in GPT-2's layout.
        var tensors = GptTensors.For(Wide).ToDictionary(s => s.Name, s => Stored(s, seeded.Load(s), type));
        int[] prompt = [3, 141, 59, 26, 5, 35, 89, 79, 32];
        using var cpu = TestDevices.Cpu();
        using var prepared = (PreparedInference)_workload.Prepare(deviceName == "cpu" ? cpu : TestDevices.OpenCl(),
            Parameters(("weights", path), ("prompt_ids", string.Join(",", prompt)), ("gen", "10")));

        prepared.Decoder.Prefill(prompt, 1, prompt.Length);
        var logits = new float[prompt.Length * Wide.Vocab];
        prepared.Decoder.Logits(Enumerable.Range(0, prompt.Length).ToArray(), logits);
        var expected = ReferenceGpt.Logits(Wide, name => tensors[name], prompt);

        // Only fp32 summation differs from the float64 reference, as in the fp32 GPT-2 test (1e-5 of the largest logit),
        // but where the device rounds x before multiplying (the CPU quantizes x to int8 per block of 32 for block
        // weights, prefill and decode alike; cuBLAS rounds x to fp16/bf16): each x moves by up to half a step, which
        // the residual stream carries to the logits: one step per layer, as the workload's verification allows.
        var device = deviceName == "cpu" ? (IDevice)cpu : TestDevices.OpenCl();
        var bound = Math.Max(1e-5, Wide.Layers * PreparedInference.InputRoundingStep(device.Ops.LinearInputType(type)));
        var scale = expected.SelectMany(row => row).Max(Math.Abs);
        var worst = Enumerable.Range(0, logits.Length).Max(i => Math.Abs(logits[i] - expected[i / Wide.Vocab][i % Wide.Vocab]));
        Assert.True(worst / scale < bound, $"max relative error {worst / scale:e2} (bound {bound:e2})");

        prepared.Run(Context());
        var sequence = prompt.ToList();
        for (var step = 0; step < 10; step++)
        {
            var last = ReferenceGpt.Logits(Wide, name => tensors[name], [.. sequence])[^1];
            sequence.Add(Array.IndexOf(last, last.Max()));
        }

        Assert.Equal(sequence.Skip(prompt.Length), prepared.GeneratedTokens.ToArray());
    }

    [Fact]
    public void Logits_Gpt2GgufWithAnUntiedOutputHead_UseThatHead()
    {
        using var directory = new TemporaryDirectory();
        var tied = Write(directory, ModelConfig.Tiny, 2, DataType.Float32);
        var untiedPath = directory.File("untied.gguf");
        using (var weights = new SeededWeightSource(ModelConfig.Tiny, 2))
        {
            // An output head that is the negated embedding: every logit flips sign, exactly (negation rounds nothing).
            GgufWriter.WriteGpt2(untiedPath, ModelConfig.Tiny, weights, DataType.Float32, (_, tensors) =>
            {
                var embedding = tensors.Single(t => t.Name == "token_embd.weight");
                var negated = QuantizedBlocks.Quantize(DataType.Float32, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(embedding.Data).ToArray().Select(v => -v).ToArray());
                tensors.Add(("output.weight", embedding.Shape, 0, negated));
            });
        }

        using var device = TestDevices.Cpu();
        var parameters = (string path) => Parameters(("weights", path), ("prompt", "5"), ("gen", "6"));
        using var withTied = (PreparedInference)_workload.Prepare(device, parameters(tied));
        var allocated = device.AllocatedBytes;
        using var withUntied = (PreparedInference)_workload.Prepare(device, parameters(untiedPath));

        Assert.Equal(_workload.EstimateMemoryBytes(parameters(untiedPath)), device.AllocatedBytes - allocated);
        var prompt = withTied.Prompts.ToArray();
        var tiedLogits = new float[5 * 256];
        var untiedLogits = new float[5 * 256];
        withTied.Decoder.Prefill(prompt, 1, 5);
        withTied.Decoder.Logits([0, 1, 2, 3, 4], tiedLogits);
        withUntied.Decoder.Prefill(prompt, 1, 5);
        withUntied.Decoder.Logits([0, 1, 2, 3, 4], untiedLogits);
        Assert.Equal(tiedLogits.Select(v => -v), untiedLogits);
    }

    [Theory]
    [InlineData("q8_0")]
    [InlineData("q4_k")]
    public void Prepare_Gpt2GgufQuantized_AllocatesExactlyTheEstimate(string typeName)
    {
        using var directory = new TemporaryDirectory();
        var path = Write(directory, Wide, 1, DataTypeExtensions.ParseShortName(typeName));
        using var device = TestDevices.Cpu();
        var parameters = Parameters(("weights", path), ("batch", "2"), ("prompt", "9"), ("gen", "7"));

        var prepared = _workload.Prepare(device, parameters);
        var allocated = device.AllocatedBytes;
        prepared.Dispose();

        Assert.Equal(_workload.EstimateMemoryBytes(parameters), allocated);
        Assert.True(allocated < InferenceCostModel.DeviceBytes(InferenceSettings.From(Parameters(("preset", "custom"), ("d_model", "256"), ("batch", "2"), ("prompt", "9"), ("gen", "7")), "inference")),
            "quantized weights take less memory than the same model in fp32");
        Assert.Equal(0, device.AllocatedBytes);
    }

    [Fact]
    public void Prepare_Gpt2GgufWithoutPositionTable_NamesTheTensor()
    {
        using var directory = new TemporaryDirectory();
        var path = Write(directory, ModelConfig.Tiny, 1, DataType.Float32, (_, tensors) => tensors.RemoveAll(t => t.Name == "position_embd.weight"));

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"weights file '{path}' has no tensor 'position_embd.weight', which a gpt2 L=2 D=64 H=4 V=256 C=64 model needs", error.Message);
    }

    [Fact]
    public void Prepare_Gpt2GgufQkvOfTwoParts_NamesTheTensorAndBothShapes()
    {
        using var directory = new TemporaryDirectory();
        var path = Write(directory, ModelConfig.Tiny, 1, DataType.Float32, (_, tensors) =>
        {
            var i = tensors.FindIndex(t => t.Name == "blk.0.attn_qkv.weight");
            tensors[i] = tensors[i] with { Shape = [128, 64], Data = tensors[i].Data[..(128 * 64 * 4)] };
        });

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"tensor 'blk.0.attn_qkv.weight' in '{path}' has shape [128, 64] but the model gpt2 L=2 D=64 H=4 V=256 C=64 needs [192, 64]", error.Message);
    }

    [Fact]
    public void Prepare_Gpt2GgufWithAnotherMlpWidth_NamesTheKey()
    {
        using var directory = new TemporaryDirectory();
        var path = Write(directory, ModelConfig.Tiny, 1, DataType.Float32, (metadata, _) => metadata["gpt2.feed_forward_length"] = 300u);

        var error = Assert.Throws<InvalidDataException>(() => _workload.EstimateMemoryBytes(Parameters(("weights", path))));

        Assert.Equal($"metadata key 'gpt2.feed_forward_length' in '{path}' is 300; GPT-2's MLP is 4 × embedding_length = 256", error.Message);
    }

    private static float[] Stored(TensorSpec spec, float[] values, DataType type)
    {
        var (_, storedType, data) = GgufWriter.StoredGpt2(spec, values, type);
        var decoded = new float[values.Length];
        QuantizedBlocks.Dequantize(storedType, data, decoded);
        if (!GptTensors.IsConv1D(spec))
        {
            return decoded;
        }

        // Back from [out, in] to GPT-2's [in, out].
        var (inputs, outputs) = (spec.Shape[0], spec.Shape[1]);
        var conv1D = new float[values.Length];
        for (var o = 0; o < outputs; o++)
        {
            for (var i = 0; i < inputs; i++)
            {
                conv1D[(i * outputs) + o] = decoded[(o * inputs) + i];
            }
        }

        return conv1D;
    }

    private static string Write(TemporaryDirectory directory, ModelConfig config, long seed, DataType type, Action<Dictionary<string, object>, List<(string Name, long[] Shape, uint Type, byte[] Data)>>? tamper = null)
    {
        var path = directory.File("gpt2.gguf");
        using var weights = new SeededWeightSource(config, seed);
        GgufWriter.WriteGpt2(path, config, weights, type, tamper);
        return path;
    }

    private static IterationContext Context() => new(CancellationToken.None, [], isWarmup: false);

    private ParameterSet Parameters(params (string Name, string Value)[] values) =>
        ParameterSet.Create(_workload.Name, _workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value.ToString(CultureInfo.InvariantCulture)));
}
