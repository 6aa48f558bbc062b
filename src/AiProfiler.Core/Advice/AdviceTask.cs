namespace AiProfiler.Core.Advice;

/// <summary>What the user wants to do with the model.</summary>
public enum AdviceTask
{
    /// <summary>Serve requests: prefill then decode.</summary>
    Inference,

    /// <summary>Fine-tune: full (every weight trained) or LoRA (frozen base, low-rank adapters) when a rank is given.</summary>
    FineTune,

    /// <summary>Pre-train: every weight trained, from scratch.</summary>
    Train,
}
