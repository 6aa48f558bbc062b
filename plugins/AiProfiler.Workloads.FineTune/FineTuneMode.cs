namespace AiProfiler.Workloads.FineTune;

/// <summary>Which parameters an optimizer step trains.</summary>
internal enum FineTuneMode
{
    /// <summary>Every parameter gets a gradient and an AdamW update.</summary>
    Full,

    /// <summary>Base weights are frozen; only rank-r adapters on the block's linear layers are trained.</summary>
    Lora,
}
