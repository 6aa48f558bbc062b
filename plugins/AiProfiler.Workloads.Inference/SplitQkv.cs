using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// The K and V parts of a block's fused QKV projection from a GGUF file, each its own <c>[D, D]</c> matrix in the
/// stored type (<c>[out, in]</c>), with their fp32 biases; Q's part is <see cref="LayerWeights.QkvWeight"/>.
/// </summary>
internal sealed record SplitQkv(IDeviceBuffer Key, IDeviceBuffer KeyBias, IDeviceBuffer Value, IDeviceBuffer ValueBias);
