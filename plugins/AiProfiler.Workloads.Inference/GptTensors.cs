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
