namespace AiProfiler.Abstractions.Devices;

/// <summary>Binary element-wise operations: <c>y[i] = a[i] op b[i]</c>.</summary>
public enum ElementwiseOp
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a − b.</summary>
    Subtract,

    /// <summary>a · b.</summary>
    Multiply,
}
