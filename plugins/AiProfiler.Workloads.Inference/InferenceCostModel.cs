using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// The analytic cost of generation and the device memory it needs. FLOPs count the matrix products (2 per weight per
/// token, plus 4·D per cached key per token per layer for Q·Kᵀ and P·V); bytes count the weights read once per
/// forward pass (prefill or decode step) plus the KV cache written and read.
/// </summary>
internal static class InferenceCostModel
{
    private const int FloatBytes = sizeof(float);

    /// <summary>Bytes of every weight a forward pass reads: all parameters but the position table (one row per token is read).</summary>
    public static double WeightBytes(ModelConfig config) =>
        (double)(config.ParameterCount - ((long)config.Context * config.DModel)) * FloatBytes;

    /// <summary>Bytes of a Llama-family model's weights as stored: matrices in <paramref name="precision"/>, norms and biases in fp32.</summary>
    public static double WeightBytes(LlamaConfig config, DataType precision) =>
        LlamaTensors.For(config).Sum(spec => (double)(LlamaTensors.IsMatrix(spec) ? precision : DataType.Float32).StorageBytes(spec.Elements));

    /// <summary>Weights multiplied per token of a Llama-family model: the blocks' matrices and the output head.</summary>
    public static double MatmulParameters(LlamaConfig c) =>
        (c.Layers * (((2.0 * c.QueryWidth) + (2.0 * c.KeyWidth)) * c.DModel + (3.0 * c.FeedForward * c.DModel))) + ((double)c.Vocab * c.DModel);

    /// <summary>FLOPs of the prefill: P tokens of B sequences through the blocks, causal attention, and the LM head for the last token.</summary>
    public static double PrefillFlops(InferenceSettings s)
    {
        if (s.Llama is { } llama)
        {
            var t = (double)s.Batch * s.Prompt;
            var matmuls = 2.0 * (MatmulParameters(llama) - ((double)llama.Vocab * llama.DModel)) * t;
            return matmuls + (2.0 * llama.Layers * s.Batch * (double)s.Prompt * s.Prompt * llama.QueryWidth) + (2.0 * s.Batch * llama.DModel * (double)llama.Vocab);
        }

        var c = s.Config;
        var tokens = (double)s.Batch * s.Prompt;
        var blocks = 2.0 * c.Layers * 12.0 * c.DModel * c.DModel * tokens;
        var attention = 2.0 * c.Layers * s.Batch * (double)s.Prompt * s.Prompt * c.DModel;
        return blocks + attention + (2.0 * s.Batch * c.DModel * (double)c.Vocab);
    }

    /// <summary>Bytes of the prefill: the weights once, P position rows, and the K and V rows written to the cache.</summary>
    public static double PrefillBytes(InferenceSettings s)
    {
        if (s.Llama is { } llama)
        {
            return (s.LoadedWeightBytes ?? WeightBytes(llama, s.Precision)) + (KvRowBytes(s) * s.Prompt);
        }

        var c = s.Config;
        return (s.LoadedWeightBytes ?? WeightBytes(c)) + ((double)s.Prompt * c.DModel * FloatBytes) + KvRowBytes(s) * s.Prompt;
    }

    /// <summary>FLOPs of the decode step whose input token sits at <paramref name="position"/> (it attends to position+1 keys).</summary>
    public static double DecodeStepFlops(InferenceSettings s, int position)
    {
        if (s.Llama is { } llama)
        {
            return s.Batch * ((2.0 * MatmulParameters(llama)) + (4.0 * llama.Layers * llama.QueryWidth * (position + 1.0)));
        }

        var c = s.Config;
        var blocks = 2.0 * c.Layers * 12.0 * c.DModel * c.DModel;
        var attention = 4.0 * c.Layers * c.DModel * (position + 1.0);
        return s.Batch * (blocks + attention + (2.0 * c.DModel * (double)c.Vocab));
    }

    /// <summary>
    /// Bytes of the decode step at <paramref name="position"/>: every weight, one position row, the position+1 cached
    /// K and V rows read by attention and the one row written.
    /// </summary>
    public static double DecodeStepBytes(InferenceSettings s, int position)
    {
        if (s.Llama is { } llama)
        {
            return (s.LoadedWeightBytes ?? WeightBytes(llama, s.Precision)) + (KvRowBytes(s) * (position + 2.0));
        }

        var c = s.Config;
        return (s.LoadedWeightBytes ?? WeightBytes(c)) + ((double)c.DModel * FloatBytes) + (KvRowBytes(s) * (position + 2.0));
    }

    /// <summary>One iteration: the prefill and G−1 decode steps; items are the B·G generated tokens.</summary>
    public static WorkloadCost IterationCost(InferenceSettings s)
    {
        var flops = PrefillFlops(s);
        var bytes = PrefillBytes(s);
        for (var k = 1; k < s.Generate; k++)
        {
            flops += DecodeStepFlops(s, s.Prompt + k - 1);
            bytes += DecodeStepBytes(s, s.Prompt + k - 1);
        }

        return new WorkloadCost(flops, bytes, (double)s.Batch * s.Generate, "tokens");
    }

    /// <summary>Activation rows: the batch's prompts, or the verification's single recomputed sequence, whichever is longer.</summary>
    public static int ActivationRows(InferenceSettings s) =>
        Math.Max(Math.Max(s.Batch * s.Prompt, s.RecomputeLength), s.Batch);

    /// <summary>Rows whose logits are computed at once: the batch's next tokens, or the verified positions.</summary>
    public static int LogitRows(InferenceSettings s) => Math.Max(s.Batch, s.VerifiedSteps);

    /// <summary>KV-cache elements per layer for K or V: [B, H, C, d].</summary>
    public static long CacheElements(InferenceSettings s) => s.Llama is { } llama
        ? (long)s.Batch * s.CacheCapacity * llama.KeyWidth
        : (long)s.Batch * s.Config.Context * s.Config.DModel;

    /// <summary>
    /// Device bytes Prepare allocates: the weights, the KV cache (2·L·B·C·D), the activations (x, h, q, attention
    /// output: 4·R·D; MLP: 4·R·D; per-row statistics, ones, token and position ids), the logits and a B×B identity.
    /// </summary>
    public static long DeviceBytes(InferenceSettings s)
    {
        if (s.Llama is { } llama)
        {
            // Weights as stored, the cache, and what LlamaDecoder allocates per activation row.
            long r = ActivationRows(s);
            var perRow = (long)llama.DModel + Math.Max(llama.DModel, llama.QueryWidth) + (2L * llama.QueryWidth) + (2L * llama.KeyWidth)
                + Math.Max(llama.QueryWidth, llama.KeyWidth) + (2L * llama.FeedForward) + 3;
            var logits = (long)LogitRows(s) * (llama.Vocab + 1);
            return (long)WeightBytes(llama, s.Precision) + (FloatBytes * ((2L * llama.Layers * CacheElements(s)) + (r * perRow) + logits + (llama.HeadDim / 2)));
        }

        var c = s.Config;
        long rows = ActivationRows(s);
        long logitRows = LogitRows(s);
        var elements = (2L * c.Layers * CacheElements(s))
            + (8L * rows * c.DModel)
            + (5L * rows)
            + logitRows
            + (logitRows * c.Vocab)
            + ((long)s.Batch * s.Batch);
        return (s.FileWeightBytes ?? (c.ParameterCount * FloatBytes)) + (elements * FloatBytes);
    }

    // K and V rows of one token in every layer, for the whole batch.
    private static double KvRowBytes(InferenceSettings s) => s.Llama is { } llama
        ? 2.0 * llama.Layers * s.Batch * (double)llama.KeyWidth * FloatBytes
        : 2.0 * s.Config.Layers * s.Batch * (double)s.Config.DModel * FloatBytes;
}
