namespace AiProfiler.Workloads.Inference;

/// <summary>One named weight tensor of the model, with its shape (GPT-2 checkpoint layout) and role.</summary>
internal sealed record TensorSpec(string Name, int[] Shape, TensorRole Role)
{
    /// <summary>Number of elements.</summary>
    public long Elements => Shape.Aggregate(1L, (product, dim) => product * dim);

    /// <summary>e.g. <c>[768, 2304]</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>[a, b]</c>.</summary>
    public static string FormatShape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Formats a shape as <c>[a, b]</c>.</summary>
    public static string FormatShape(IEnumerable<int> shape) => FormatShape(shape.Select(d => (long)d));
}
