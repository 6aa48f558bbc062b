namespace AiProfiler.Abstractions.Kernels;

/// <summary>A 1-, 2- or 3-dimensional size in work items.</summary>
/// <param name="X">First dimension.</param>
/// <param name="Y">Second dimension (1 when unused).</param>
/// <param name="Z">Third dimension (1 when unused).</param>
public readonly record struct KernelRange(long X, long Y = 1, long Z = 1)
{
    /// <summary>Number of dimensions in use (1 to 3).</summary>
    public int Dimensions => Z > 1 ? 3 : Y > 1 ? 2 : 1;

    /// <summary>Rounds <paramref name="count"/> up to a multiple of <paramref name="multiple"/>.</summary>
    public static long RoundUp(long count, long multiple) => (count + multiple - 1) / multiple * multiple;
}
