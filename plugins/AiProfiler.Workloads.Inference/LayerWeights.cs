using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference;

/// <summary>One transformer block's weights on the device, in GPT-2's <c>[in, out]</c> layout.</summary>
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
    IDeviceBuffer MlpDownBias);
