namespace AiProfiler.Workloads.Inference;

/// <summary>
/// The tensors of a GPT-2 checkpoint, under the names Hugging Face's <c>model.safetensors</c> uses. Linear layers are
/// stored <c>[in, out]</c> (GPT-2's Conv1D), so <c>y = x·W + b</c> with no transpose.
/// </summary>
internal static class GptTensors
{
    public const string TokenEmbedding = "wte.weight";
    public const string PositionEmbedding = "wpe.weight";
    public const string FinalNormGain = "ln_f.weight";
    public const string FinalNormBias = "ln_f.bias";

    public static string Norm1Gain(int layer) => $"h.{layer}.ln_1.weight";

    public static string Norm1Bias(int layer) => $"h.{layer}.ln_1.bias";

    public static string QkvWeight(int layer) => $"h.{layer}.attn.c_attn.weight";

    public static string QkvBias(int layer) => $"h.{layer}.attn.c_attn.bias";

    public static string ProjectionWeight(int layer) => $"h.{layer}.attn.c_proj.weight";

    public static string ProjectionBias(int layer) => $"h.{layer}.attn.c_proj.bias";

    public static string Norm2Gain(int layer) => $"h.{layer}.ln_2.weight";

    public static string Norm2Bias(int layer) => $"h.{layer}.ln_2.bias";

    public static string MlpUpWeight(int layer) => $"h.{layer}.mlp.c_fc.weight";

    public static string MlpUpBias(int layer) => $"h.{layer}.mlp.c_fc.bias";

    public static string MlpDownWeight(int layer) => $"h.{layer}.mlp.c_proj.weight";

    public static string MlpDownBias(int layer) => $"h.{layer}.mlp.c_proj.bias";

    /// <summary>
    /// The name llama.cpp's converter gives a tensor in a GGUF <c>gpt2</c> file: <c>token_embd</c>,
    /// <c>position_embd</c>, <c>blk.N.attn_norm</c>, <c>.attn_qkv</c>, <c>.attn_output</c>, <c>.ffn_norm</c>,
    /// <c>.ffn_up</c>, <c>.ffn_down</c> (each <c>.weight</c> and <c>.bias</c>), <c>output_norm</c>.
    /// </summary>
    public static string GgufName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case TokenEmbedding:
                return "token_embd.weight";
            case PositionEmbedding:
                return "position_embd.weight";
            case FinalNormGain:
                return "output_norm.weight";
            case FinalNormBias:
                return "output_norm.bias";
        }

        // h.{layer}.{module}.{weight|bias}, the module one part (ln_1) or two (attn.c_attn).
        var parts = name.Split('.');
        var module = string.Join('.', parts[2..^1]) switch
        {
            "ln_1" => "attn_norm",
            "attn.c_attn" => "attn_qkv",
            "attn.c_proj" => "attn_output",
            "ln_2" => "ffn_norm",
            "mlp.c_fc" => "ffn_up",
            _ => "ffn_down",
        };
        return $"blk.{parts[1]}.{module}.{parts[^1]}";
    }

    /// <summary>Whether the tensor is a Conv1D matrix (<c>[in, out]</c> here, <c>[out, in]</c> in GGUF files).</summary>
    public static bool IsConv1D(TensorSpec spec) =>
        spec is { Role: TensorRole.Weight or TensorRole.ResidualWeight, Shape.Length: 2 };

    /// <summary>The tensor's shape row-major as a GGUF file holds it: Conv1D matrices transposed.</summary>
    public static int[] GgufShape(TensorSpec spec) => IsConv1D(spec) ? [spec.Shape[1], spec.Shape[0]] : spec.Shape;

    /// <summary>Every tensor the model needs, in load order.</summary>
    public static IReadOnlyList<TensorSpec> For(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.DModel;
        var specs = new List<TensorSpec>
        {
            new(TokenEmbedding, [config.Vocab, d], TensorRole.TokenEmbedding),
            new(PositionEmbedding, [config.Context, d], TensorRole.PositionEmbedding),
        };
        for (var l = 0; l < config.Layers; l++)
        {
            specs.Add(new(Norm1Gain(l), [d], TensorRole.NormGain));
            specs.Add(new(Norm1Bias(l), [d], TensorRole.NormBias));
            specs.Add(new(QkvWeight(l), [d, 3 * d], TensorRole.Weight));
            specs.Add(new(QkvBias(l), [3 * d], TensorRole.Bias));
            specs.Add(new(ProjectionWeight(l), [d, d], TensorRole.ResidualWeight));
            specs.Add(new(ProjectionBias(l), [d], TensorRole.Bias));
            specs.Add(new(Norm2Gain(l), [d], TensorRole.NormGain));
            specs.Add(new(Norm2Bias(l), [d], TensorRole.NormBias));
            specs.Add(new(MlpUpWeight(l), [d, 4 * d], TensorRole.Weight));
            specs.Add(new(MlpUpBias(l), [4 * d], TensorRole.Bias));
            specs.Add(new(MlpDownWeight(l), [4 * d, d], TensorRole.ResidualWeight));
            specs.Add(new(MlpDownBias(l), [d], TensorRole.Bias));
        }

        specs.Add(new(FinalNormGain, [d], TensorRole.NormGain));
        specs.Add(new(FinalNormBias, [d], TensorRole.NormBias));
        return specs;
    }
}
