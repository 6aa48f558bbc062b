using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// Batched LLM inference with a GPT-2-style decoder: prefill of the prompts, then greedy decode with a KV cache.
/// Reports time to first token, time per output token, tokens/s, MBU and MFU.
/// </summary>
public sealed class InferenceWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "inference";

    /// <inheritdoc />
    public string Description => "Batched greedy generation with a GPT-2-style decoder and a KV cache: time to first token, time per output token, tokens/s, MBU.";

    /// <inheritdoc />
    public IReadOnlyList<ParameterDescriptor> Parameters { get; } =
    [
        ParameterDescriptor.Choice("preset", "tiny", ["custom", "tiny", "small", "medium"], "model shape: tiny (2 layers, D=64, 0.1 M params), small (GPT-2 small, 124 M), medium (GPT-2 medium, 355 M, 1.3 GiB: larger than any CPU's L3), or custom (the shape parameters below)"),
        ParameterDescriptor.Integer("layers", 2, 1, 128, "transformer blocks L (preset=custom)"),
        ParameterDescriptor.Integer("d_model", 64, 8, 12288, "model width D (preset=custom)"),
        ParameterDescriptor.Integer("heads", 4, 1, 128, "attention heads H, dividing D (preset=custom)"),
        ParameterDescriptor.Integer("vocab", 256, 2, 262144, "vocabulary size V (preset=custom)"),
        ParameterDescriptor.Integer("context", 64, 2, 32768, "context length C: position embeddings and KV-cache capacity (preset=custom)"),
        ParameterDescriptor.Integer("batch", 1, 1, 64, "sequences generated together B"),
        ParameterDescriptor.Integer("prompt", 16, 1, 32768, "prompt tokens per sequence"),
        ParameterDescriptor.Integer("gen", 16, 1, 32768, "tokens generated per sequence (the first by prefill)"),
        ParameterDescriptor.Integer("seed", 1234, 0, int.MaxValue, "seed of the prompts and of the weights when no file is given"),
        ParameterDescriptor.Text("weights", "", "local GPT-2 .safetensors file (F32, F16 or BF16; shapes must match the model); empty for seeded weights"),
    ];

    /// <inheritdoc />
    public long EstimateMemoryBytes(ParameterSet parameters) =>
        InferenceCostModel.DeviceBytes(InferenceSettings.From(parameters, Name));

    /// <inheritdoc />
    public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(device);
        return PreparedInference.Create(device, InferenceSettings.From(parameters, Name));
    }
}
