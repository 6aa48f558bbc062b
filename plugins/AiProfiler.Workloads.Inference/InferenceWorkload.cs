using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// Batched LLM inference with a GPT-2 or Llama-family (Llama, Qwen2) decoder: prefill of the prompts, then greedy decode with a KV cache.
/// Reports time to first token, time per output token, tokens/s, MBU and MFU.
/// </summary>
public sealed class InferenceWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "inference";

    /// <inheritdoc />
    public string Description => "Batched greedy generation with a GPT-2 or Llama-family decoder (seeded, GGUF or safetensors weights; fp32 to 4-bit) and a KV cache: time to first token, time per output token, tokens/s, MBU.";

    /// <inheritdoc />
    public IReadOnlyList<ParameterDescriptor> Parameters { get; } =
    [
        ParameterDescriptor.Choice("preset", "tiny", ["custom", "tiny", "small", "medium", "llama-tiny", "qwen2-tiny", "llama-1b"], "model: GPT-2 tiny (2 layers, D=64), small (124 M), medium (355 M, 1.3 GiB), custom (the shape parameters below); Llama family llama-tiny and qwen2-tiny (1 M params, for tests) or llama-1b (shaped like Llama-3.2-1B, 1.24 G params)"),
        ParameterDescriptor.Integer("layers", 2, 1, 128, "transformer blocks L (preset=custom)"),
        ParameterDescriptor.Integer("d_model", 64, 8, 12288, "model width D (preset=custom)"),
        ParameterDescriptor.Integer("heads", 4, 1, 128, "attention heads H, dividing D (preset=custom)"),
        ParameterDescriptor.Integer("vocab", 256, 2, 262144, "vocabulary size V (preset=custom)"),
        ParameterDescriptor.Integer("context", 64, 2, 32768, "context length C: position embeddings and KV-cache capacity (preset=custom)"),
        ParameterDescriptor.Integer("batch", 1, 1, 64, "sequences generated together B"),
        ParameterDescriptor.Integer("prompt", 16, 1, 32768, "prompt tokens per sequence"),
        ParameterDescriptor.Integer("gen", 16, 1, 32768, "tokens generated per sequence (the first by prefill)"),
        ParameterDescriptor.Integer("seed", 1234, 0, int.MaxValue, "seed of the prompts and of the weights when no file is given"),
        ParameterDescriptor.Text("weights", "", "local .gguf file (llama, qwen2 or gpt2; F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K tensors; the file sets the shape) or GPT-2 .safetensors file (F32, F16 or BF16; shapes must match the preset); empty for seeded weights"),
        ParameterDescriptor.Text("precision", "fp32", "type of seeded Llama-family weight matrices: fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k (quantized as ggml's reference quantizers do); activations stay fp32"),
        ParameterDescriptor.Text("prompt_ids", "", "comma-separated prompt token ids given to every sequence (sets prompt); empty for seeded prompts. Verification reports sequence 0's generated ids"),
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
