using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Device helpers shared by the kernels: work-group reductions, grid-stride loops and the masked exponential. Group
/// sizes are powers of two chosen by the host per device (256 on GPUs, a few items on the CPU emulator), so the
/// kernels read the group size instead of assuming one.
/// </summary>
internal static class GroupMath
{
    /// <summary>The largest work group any kernel is launched with: the length of the shared scratch arrays.</summary>
    public const int MaxGroup = 256;

    /// <summary>The first element index of this item in a grid-stride loop.</summary>
    public static long FirstElement() => (long)Grid.IdxX * Group.DimX + Group.IdxX;

    /// <summary>The distance between an item's elements in a grid-stride loop: every item of the grid.</summary>
    public static long ElementStride() => (long)Grid.DimX * Group.DimX;

    /// <summary>Sum of <paramref name="value"/> over the work group; every item gets the total. All items must call it.</summary>
    public static float Sum(ArrayView<float> scratch, float value)
    {
        var t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (var stride = Group.DimX / 2; stride > 0; stride /= 2)
        {
            if (t < stride)
            {
                scratch[t] += scratch[t + stride];
            }

            Group.Barrier();
        }

        var total = scratch[0];
        Group.Barrier();
        return total;
    }

    /// <summary>Maximum of <paramref name="value"/> over the work group, like <see cref="Sum"/>.</summary>
    public static float Max(ArrayView<float> scratch, float value)
    {
        var t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (var stride = Group.DimX / 2; stride > 0; stride /= 2)
        {
            if (t < stride)
            {
                scratch[t] = MathF.Max(scratch[t], scratch[t + stride]);
            }

            Group.Barrier();
        }

        var total = scratch[0];
        Group.Barrier();
        return total;
    }

    /// <summary>exp(x − max), exactly 0 for masked (−∞) inputs even when the whole row is masked.</summary>
    public static float ExpShifted(float x, float max) => float.IsNegativeInfinity(x) ? 0f : MathF.Exp(x - max);

    /// <summary>
    /// Adds this item's partial column sum to <paramref name="output"/>[column] once the group's row lanes are folded:
    /// the group owns the <paramref name="columnsPerGroup"/> columns of <paramref name="block"/>, so no atomics are
    /// needed. All items must call it.
    /// </summary>
    public static void AccumulateColumn(ArrayView<float> part, float value, ArrayView<float> output, int cols, int block, int columnsPerGroup)
    {
        var t = Group.IdxX;
        var lanes = Group.DimX / columnsPerGroup;
        var column = block * columnsPerGroup + t % columnsPerGroup;
        part[t] = value;
        Group.Barrier();
        if (t < columnsPerGroup && column < cols)
        {
            var total = 0f;
            for (var lane = 0; lane < lanes; lane++)
            {
                total += part[t + lane * columnsPerGroup];
            }

            output[column] += total;
        }

        Group.Barrier();
    }
}
