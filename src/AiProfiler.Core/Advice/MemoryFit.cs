namespace AiProfiler.Core.Advice;

/// <summary>What the scenario needs in device memory, part by part, against what the device has free.</summary>
/// <param name="WeightBytes">Model weights at the scenario's precision.</param>
/// <param name="KvCacheBytes">KV cache for prompt + output at the scenario's concurrency (inference).</param>
/// <param name="GradientBytes">Gradients of the trained parameters (training).</param>
/// <param name="OptimizerBytes">AdamW moments (and fp32 master weights for low-precision training).</param>
/// <param name="ActivationBytes">Activations kept for the backward pass (training) or the working set of one step.</param>
/// <param name="AvailableBytes">Free memory on the device.</param>
public sealed record MemoryFit(long WeightBytes, long KvCacheBytes, long GradientBytes, long OptimizerBytes, long ActivationBytes, long AvailableBytes)
{
    /// <summary>Everything together.</summary>
    public long RequiredBytes => WeightBytes + KvCacheBytes + GradientBytes + OptimizerBytes + ActivationBytes;

    /// <summary>True when the required bytes fit in the available ones.</summary>
    public bool Fits => RequiredBytes <= AvailableBytes;
}
