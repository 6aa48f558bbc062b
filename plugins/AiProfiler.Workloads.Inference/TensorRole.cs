namespace AiProfiler.Workloads.Inference;

/// <summary>What a weight tensor does, which decides how seeded weights initialize it.</summary>
internal enum TensorRole
{
    /// <summary>Token embedding (and tied LM head).</summary>
    TokenEmbedding,

    /// <summary>Learned position embedding.</summary>
    PositionEmbedding,

    /// <summary>A projection whose output feeds the next layer.</summary>
    Weight,

    /// <summary>A projection that adds into the residual stream (scaled down by √(2L), as GPT-2 initializes it).</summary>
    ResidualWeight,

    /// <summary>A projection bias.</summary>
    Bias,

    /// <summary>LayerNorm γ.</summary>
    NormGain,

    /// <summary>LayerNorm β.</summary>
    NormBias,
}
