namespace AiProfiler.Core.Advice;

/// <summary>
/// Parameter counts, FLOPs and bytes of a <see cref="ModelArchitecture"/>, counted from its shapes: attention
/// projections (with grouped-query K/V), a two- or three-matrix FFN per expert, a router for mixture-of-experts,
/// norms, embeddings (and a separate LM head unless tied).
/// </summary>
public static class ModelArithmetic
{
    /// <summary>Attention weights of one block: Q and O are D × H·d, K and V are D × KV·d, plus biases where the model has them.</summary>
    public static long AttentionParameters(ModelArchitecture m)
    {
        ArgumentNullException.ThrowIfNull(m);
        long q = (long)m.Heads * m.HeadDim, kv = (long)m.KvHeads * m.HeadDim;
        var weights = (m.DModel * q * 2) + (m.DModel * kv * 2);
        var biases = m.AttentionBias ? q + (2 * kv) + (m.LearnedPositions ? m.DModel : 0) : 0;
        return weights + biases;
    }

    /// <summary>FFN weights of one expert: two matrices D × F (three when gated), plus GPT-2's biases.</summary>
    public static long FfnParameters(ModelArchitecture m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var matrices = (m.GatedFfn ? 3L : 2L) * m.DModel * m.FfnDim;
        return matrices + (m.LearnedPositions ? m.FfnDim + m.DModel : 0);
    }

    private static long NormParameters(ModelArchitecture m) => (m.LearnedPositions ? 2L : 1L) * m.NormsPerLayer * m.DModel;

    private static long EmbeddingParameters(ModelArchitecture m) =>
        ((long)m.Vocab * m.DModel * (m.TiedEmbeddings ? 1 : 2))
        + (m.LearnedPositions ? (long)m.Context * m.DModel : 0)
        + ((m.LearnedPositions ? 2L : 1L) * m.DModel);

    /// <summary>Every parameter, all experts included.</summary>
    public static long TotalParameters(ModelArchitecture m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var router = m.Experts > 1 ? (long)m.DModel * m.Experts : 0;
        var block = AttentionParameters(m) + (m.Experts * FfnParameters(m)) + router + NormParameters(m);
        return (m.Layers * block) + EmbeddingParameters(m);
    }

    /// <summary>Parameters one token uses: the experts it is routed to, not all of them.</summary>
    public static long ActiveParameters(ModelArchitecture m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var router = m.Experts > 1 ? (long)m.DModel * m.Experts : 0;
        var block = AttentionParameters(m) + (m.ExpertsPerToken * FfnParameters(m)) + router + NormParameters(m);
        return (m.Layers * block) + EmbeddingParameters(m);
    }

    /// <summary>
    /// Weights each token multiplies with (2 FLOPs each): the blocks' matrices for the routed experts and the LM head;
    /// embedding lookups and norms are not multiplications.
    /// </summary>
    public static long MatmulParametersPerToken(ModelArchitecture m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var ffn = (m.GatedFfn ? 3L : 2L) * m.DModel * m.FfnDim;
        long q = (long)m.Heads * m.HeadDim, kv = (long)m.KvHeads * m.HeadDim;
        var attention = (m.DModel * q * 2) + (m.DModel * kv * 2);
        return (m.Layers * (attention + (m.ExpertsPerToken * ffn))) + ((long)m.Vocab * m.DModel);
    }

    /// <summary>
    /// Weights one decode step reads for a batch of <paramref name="batch"/> sequences: every dense matrix once, and the
    /// experts the batch is expected to touch (E·(1 − (1 − k/E)^batch) of E when each token picks k at random).
    /// </summary>
    public static double MatmulParametersPerStep(ModelArchitecture m, int batch)
    {
        ArgumentNullException.ThrowIfNull(m);
        var ffn = (m.GatedFfn ? 3.0 : 2.0) * m.DModel * m.FfnDim;
        double q = (double)m.Heads * m.HeadDim, kv = (double)m.KvHeads * m.HeadDim;
        var attention = (m.DModel * q * 2) + (m.DModel * kv * 2);
        var experts = m.Experts > 1
            ? m.Experts * (1 - Math.Pow(1 - ((double)m.ExpertsPerToken / m.Experts), batch))
            : 1;
        return (m.Layers * (attention + (experts * ffn))) + ((double)m.Vocab * m.DModel);
    }

    /// <summary>KV-cache bytes one token adds: K and V for every layer and KV head.</summary>
    public static double KvBytesPerToken(ModelArchitecture m, double bytesPerElement)
    {
        ArgumentNullException.ThrowIfNull(m);
        return 2.0 * m.Layers * m.KvHeads * m.HeadDim * bytesPerElement;
    }

    /// <summary>Attention FLOPs of one query token against <paramref name="keys"/> keys: Q·Kᵀ and P·V, 2 FLOPs per multiply-add each.</summary>
    public static double AttentionFlopsPerToken(ModelArchitecture m, double keys)
    {
        ArgumentNullException.ThrowIfNull(m);
        return 4.0 * m.Layers * m.Heads * m.HeadDim * keys;
    }
}
