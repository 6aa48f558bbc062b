using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>One tensor of a GGUF file: its shape row-major (GGUF's <c>ne</c> reversed), its type and where its bytes are.</summary>
internal sealed record GgufTensor(string Name, long[] Shape, DataType Type, long Offset, long Bytes)
{
    /// <summary>Number of values.</summary>
    public long Elements => Shape.Aggregate(1L, (product, dim) => product * dim);
}
