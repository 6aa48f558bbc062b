using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// One transformer block's weights on the device: fp32 in GPT-2's <c>[in, out]</c> layout, or (from a GGUF file, with
/// <see cref="Split"/> set) in their stored types in the <c>[out, in]</c> layout <c>ITensorOps.LinearWeights</c> takes.
/// </summary>
internal sealed record LayerWeights(
    IDeviceBuffer Norm1Gain,
    IDeviceBuffer Norm1Bias,
    IDeviceBuffer QkvWeight,
    IDeviceBuffer QkvBias,
    IDeviceBuffer ProjectionWeight,
    IDeviceBuffer ProjectionBias,
    IDeviceBuffer Norm2Gain,
    IDeviceBuffer Norm2Bias,
    IDeviceBuffer MlpUpWeight,
    IDeviceBuffer MlpUpBias,
    IDeviceBuffer MlpDownWeight,
    IDeviceBuffer MlpDownBias)
{
    /// <summary>Stored-type weights only: c_attn's K and V parts (<see cref="QkvWeight"/> and <see cref="QkvBias"/> then hold Q's).</summary>
    public SplitQkv? Split { get; init; }
}
