namespace AiProfiler.Core.Advice;

/// <summary>
/// How many device operations one forward pass issues, as the <c>inference</c> workload's decoders issue them (its
/// <c>GptDecoder</c> for GPT-2 shapes, <c>LlamaDecoder</c> for the Llama family): calls that stream a weight matrix or
/// the KV cache (GEMMs, attention), each paying the calibrated call cost beyond its bytes, and small operations (norms,
/// biases, activations, rotary, embedding gathers, host writes of ids, KV-cache row copies), each paying the calibrated
/// small-operation cost. A serving engine that fuses them issues fewer; these counts keep the prediction and the
/// validating run about the same code.
/// </summary>
/// <param name="Calls">Weight- or cache-streaming calls.</param>
/// <param name="SmallOps">Small operations.</param>
internal readonly record struct ForwardOperations(int Calls, int SmallOps)
{
    /// <summary>
    /// One forward pass of <paramref name="batch"/> sequences of <paramref name="length"/> new tokens (1 for a decode
    /// step), then the logits of one row per sequence.
    /// </summary>
    public static ForwardOperations Count(ModelArchitecture model, int batch, int length)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.LearnedPositions ? Gpt(model, batch, length) : Llama(model, batch, length);
    }

    /// <summary>
    /// fp32 values one prompt token's activations are read and written as by the small operations of a prefill, as
    /// the decoders issue them (each operation reads its input and writes its output once). GPT-2, per block: two
    /// LayerNorms (2·D each), the query's bias add and the two axis swaps around attention (2·D each), the two
    /// projections' bias adds (2·D each), the MLP's bias add and GELU (8·D each): 30·D. Llama family, per block: two
    /// RMSNorms (2·D each); rotary on Q, the axis swaps of Q and of the attention output (2·D_q each); rotary on K, the
    /// axis swaps of K and V and their copies into the cache (2·D_kv each); SiLU (2·F) and the gate product (3·F), for
    /// each expert a token is routed to; Qwen2's three bias adds add 2·D_q + 4·D_kv.
    /// </summary>
    public static double PrefillActivationValues(ModelArchitecture model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.LearnedPositions)
        {
            return model.Layers * 30.0 * model.DModel;
        }

        double query = model.HeadDim * model.Heads, kv = model.HeadDim * model.KvHeads;
        var block = (4.0 * model.DModel) + (6 * query) + (10 * kv) + (5.0 * model.FfnDim * model.ExpertsPerToken);
        if (model.AttentionBias)
        {
            block += (2 * query) + (4 * kv);
        }

        return model.Layers * block;
    }

    private static ForwardOperations Gpt(ModelArchitecture m, int batch, int length)
    {
        // Embedding: ids and positions written, two gathers, one add. Logits: rows written, gather, LayerNorm; LM head.
        const int embedding = 5, logits = 3;
        // Per block: two LayerNorms, four bias adds, GELU; c_attn, c_proj, c_fc and mlp c_proj GEMMs and attention.
        int calls = 5, small = 7;
        if (length == 1)
        {
            // Decode moves Q, K and V out of c_attn's output: one copy per head for K and V (and one for Q) at batch 1,
            // else three identity GEMMs of B × B (tiny: small operations).
            small += batch == 1 ? 1 + (2 * m.Heads) : 3;
        }
        else
        {
            // Prefill: K and V of each sequence straight into the cache (a GEMM and a bias GEMM each), two axis swaps.
            calls += 4 * batch;
            small += 2;
        }

        return new ForwardOperations((m.Layers * calls) + 1, (m.Layers * small) + embedding + logits);
    }

    private static ForwardOperations Llama(ModelArchitecture m, int batch, int length)
    {
        // Embedding: ids and positions written, one gather. Logits: rows written, gather, RMSNorm; output head.
        const int embedding = 3, logits = 3;
        // Per block: Q, K, V, O, gate, up, down and attention; two RMSNorms, two rotary, SiLU, the gate product, and
        // one copy per sequence and KV head for each of K and V into the cache.
        var calls = 8;
        var small = 6 + (2 * batch * m.KvHeads) + (m.AttentionBias ? 3 : 0);
        if (length > 1)
        {
            // Prefill swaps K, V (before the cache copies), Q and the attention output between token and head order.
            small += 4;
        }

        return new ForwardOperations((m.Layers * calls) + 1, (m.Layers * small) + embedding + logits);
    }
}
