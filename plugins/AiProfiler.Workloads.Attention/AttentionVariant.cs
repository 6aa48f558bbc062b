namespace AiProfiler.Workloads.Attention;

/// <summary>How the attention forward is computed.</summary>
internal enum AttentionVariant
{
    /// <summary>Batched GEMM for Q·Kᵀ into a materialized [B·H, N, N] scores tensor, mask, softmax, GEMM with V.</summary>
    Naive,

    /// <summary>The device's fused attention (tiled, online softmax): the scores never reach memory.</summary>
    Fused,
}
