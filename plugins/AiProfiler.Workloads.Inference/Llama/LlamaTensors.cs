namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// The tensors of a Llama-family model under the names llama.cpp writes into GGUF files, with their shapes row-major
/// (outputs × inputs: GGUF's <c>ne</c> reversed, and Hugging Face's <c>nn.Linear</c> layout).
/// </summary>
internal static class LlamaTensors
{
    public const string TokenEmbedding = "token_embd.weight";
    public const string OutputNorm = "output_norm.weight";
    public const string Output = "output.weight";

    /// <summary>Per-pair rotary frequency divisors some GGUF files carry for Llama 3's rope scaling.</summary>
    public const string RopeFactors = "rope_freqs.weight";

    public static string AttentionNorm(int layer) => $"blk.{layer}.attn_norm.weight";

    public static string Query(int layer) => $"blk.{layer}.attn_q.weight";

    public static string Key(int layer) => $"blk.{layer}.attn_k.weight";

    public static string Value(int layer) => $"blk.{layer}.attn_v.weight";

    public static string QueryBias(int layer) => $"blk.{layer}.attn_q.bias";

    public static string KeyBias(int layer) => $"blk.{layer}.attn_k.bias";

    public static string ValueBias(int layer) => $"blk.{layer}.attn_v.bias";

    public static string AttentionOutput(int layer) => $"blk.{layer}.attn_output.weight";

    public static string FeedForwardNorm(int layer) => $"blk.{layer}.ffn_norm.weight";

    public static string Gate(int layer) => $"blk.{layer}.ffn_gate.weight";

    public static string Up(int layer) => $"blk.{layer}.ffn_up.weight";

    public static string Down(int layer) => $"blk.{layer}.ffn_down.weight";

    /// <summary>Every tensor the model needs, in load order.</summary>
    public static IReadOnlyList<TensorSpec> For(LlamaConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var d = c.DModel;
        var specs = new List<TensorSpec> { new(TokenEmbedding, [c.Vocab, d], TensorRole.TokenEmbedding) };
        for (var l = 0; l < c.Layers; l++)
        {
            specs.Add(new(AttentionNorm(l), [d], TensorRole.NormGain));
            specs.Add(new(Query(l), [c.QueryWidth, d], TensorRole.Weight));
            specs.Add(new(Key(l), [c.KeyWidth, d], TensorRole.Weight));
            specs.Add(new(Value(l), [c.KeyWidth, d], TensorRole.Weight));
            if (c.QkvBias)
            {
                specs.Add(new(QueryBias(l), [c.QueryWidth], TensorRole.Bias));
                specs.Add(new(KeyBias(l), [c.KeyWidth], TensorRole.Bias));
                specs.Add(new(ValueBias(l), [c.KeyWidth], TensorRole.Bias));
            }

            specs.Add(new(AttentionOutput(l), [d, c.QueryWidth], TensorRole.ResidualWeight));
            specs.Add(new(FeedForwardNorm(l), [d], TensorRole.NormGain));
            specs.Add(new(Gate(l), [c.FeedForward, d], TensorRole.Weight));
            specs.Add(new(Up(l), [c.FeedForward, d], TensorRole.Weight));
            specs.Add(new(Down(l), [d, c.FeedForward], TensorRole.ResidualWeight));
        }

        specs.Add(new(OutputNorm, [d], TensorRole.NormGain));
        if (!c.TiedHead)
        {
            specs.Add(new(Output, [c.Vocab, d], TensorRole.Weight));
        }

        return specs;
    }

    /// <summary>Whether the tensor is a matrix that takes the model's weight precision (norms and biases stay fp32).</summary>
    public static bool IsMatrix(TensorSpec spec) => spec.Shape.Length == 2;
}
