namespace AiProfiler.Workloads.Inference;

/// <summary>One tensor's entry in a safetensors header; offsets are absolute positions in the file.</summary>
internal sealed record SafetensorsTensor(string Name, string DType, long[] Shape, long Start, long End)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long Elements => Shape.Aggregate(1L, (product, dim) => product * dim);
}
