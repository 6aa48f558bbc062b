using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Attention;

/// <summary>
/// Multi-head scaled dot-product attention forward, <c>O = softmax(Q·Kᵀ/√d + mask)·V</c>, computed naively (the N×N
/// scores materialized in device memory) or fused (online softmax, memory O(N)).
/// </summary>
public sealed class AttentionWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "attention";

    /// <inheritdoc />
    public string Description => "Multi-head attention forward over B·H heads of N×d, naive (materialized N×N scores) or fused (online softmax, O(N) memory).";

    /// <inheritdoc />
    public IReadOnlyList<ParameterDescriptor> Parameters { get; } =
    [
        ParameterDescriptor.Integer("batch", 1, 1, 4096, "sequences B"),
        ParameterDescriptor.Integer("heads", 8, 1, 256, "attention heads H"),
        ParameterDescriptor.Integer("seq", 1024, 1, 131072, "sequence length N (queries = keys)"),
        ParameterDescriptor.Integer("head_dim", 64, 1, 256, "head size d"),
        ParameterDescriptor.Boolean("causal", false, "mask keys after each query (decoder self-attention)"),
        ParameterDescriptor.Choice("variant", "fused", ["naive", "fused"], "naive: GEMM, mask, softmax, GEMM over materialized B·H·N² scores; fused: the device's online-softmax attention"),
    ];

    /// <inheritdoc />
    public long EstimateMemoryBytes(ParameterSet parameters) => AttentionShape.From(parameters).DeviceBytes;

    /// <inheritdoc />
    public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(device);
        return PreparedAttention.Create(device, AttentionShape.From(parameters));
    }
}
