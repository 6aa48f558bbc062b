using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference;

/// <summary>A decoder with a KV cache on one device: what generation and its verification need from a model.</summary>
internal interface IDecoder : IDisposable
{
    /// <summary>Rows of logits one <see cref="Logits"/> call can compute.</summary>
    int LogitRows { get; }

    /// <summary>The types the weight matrices are stored in (fp32, fp16, bf16, ggml block types).</summary>
    IReadOnlyCollection<DataType> WeightTypes { get; }

    /// <summary>Runs prompts of <paramref name="length"/> tokens for <paramref name="sequences"/> sequences from position 0.</summary>
    void Prefill(ReadOnlySpan<int> tokens, int sequences, int length);

    /// <summary>Runs one token per sequence at <paramref name="position"/>.</summary>
    void Decode(ReadOnlySpan<int> tokens, int position);

    /// <summary>The logits of the given rows of the last forward pass into <paramref name="destination"/> (rows × V).</summary>
    void Logits(ReadOnlySpan<int> rows, Span<float> destination);
}
