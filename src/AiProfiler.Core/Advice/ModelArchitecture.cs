namespace AiProfiler.Core.Advice;

/// <summary>
/// The shape of a decoder-only transformer, as model cards and <c>config.json</c> publish it: enough to count
/// parameters, FLOPs per token and KV-cache bytes.
/// </summary>
public sealed record ModelArchitecture
{
    /// <summary>The catalog name, e.g. <c>llama-3.1-8b</c>, or the file it was read from.</summary>
    public required string Name { get; init; }

    /// <summary>Transformer blocks.</summary>
    public required int Layers { get; init; }

    /// <summary>Model (hidden) width.</summary>
    public required int DModel { get; init; }

    /// <summary>Query heads.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads (fewer than <see cref="Heads"/> with grouped-query attention).</summary>
    public required int KvHeads { get; init; }

    /// <summary>Size of one head; usually <see cref="DModel"/> / <see cref="Heads"/>, but not for every model (Gemma-2).</summary>
    public required int HeadDim { get; init; }

    /// <summary>FFN inner width (per expert for mixture-of-experts models).</summary>
    public required int FfnDim { get; init; }

    /// <summary>True for gated FFNs (SwiGLU, GeGLU: three matrices), false for GPT-2's two.</summary>
    public required bool GatedFfn { get; init; }

    /// <summary>Vocabulary size.</summary>
    public required int Vocab { get; init; }

    /// <summary>Maximum context length.</summary>
    public required int Context { get; init; }

    /// <summary>True when the LM head shares the token embedding's weights.</summary>
    public required bool TiedEmbeddings { get; init; }

    /// <summary>True for learned absolute position embeddings (GPT-2), false for rotary.</summary>
    public bool LearnedPositions { get; init; }

    /// <summary>True when the projections have biases (GPT-2, Qwen2's q/k/v).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Normalization layers per block (2; Gemma-2 has 4: before and after attention and FFN).</summary>
    public int NormsPerLayer { get; init; } = 2;

    /// <summary>Experts per MoE layer; 1 for dense models.</summary>
    public int Experts { get; init; } = 1;

    /// <summary>Experts each token is routed to; 1 for dense models.</summary>
    public int ExpertsPerToken { get; init; } = 1;

    /// <summary>The parameter count the model's publisher states, for the catalog's check; 0 when unknown.</summary>
    public long PublishedParameters { get; init; }

    /// <summary>Where the numbers come from (model card, config.json, file header).</summary>
    public string Source { get; init; } = "";

    /// <summary>The precision stored in the file this was read from, when read from a file.</summary>
    public string? FilePrecision { get; init; }
}
