using AiProfiler.Backends.Ilgpu.Kernels;
using ILGPU.Runtime;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Group sizes for one accelerator: 256-item groups and 16 × 16 GEMM groups on GPUs; on ILGPU's CPU emulator, whose
/// group items are OS threads, as few as it allows (2 items, a 1 × 1 GEMM group) and a single group per launch, which
/// the kernels' strides over their rows, blocks and elements allow. Each emulated group costs milliseconds (measured:
/// 16 groups 88 ms, one group 2 ms, on a loaded 2-core VM), and each barrier more the more threads wait at it.
/// </summary>
/// <param name="Group">Items of a row, column or element-wise group (a power of two).</param>
/// <param name="ColumnsPerGroup">Columns a column-reduction group owns.</param>
/// <param name="AttentionItems">Items of an attention group (keys scored per tile).</param>
/// <param name="GemmSide">Side of a GEMM group; it computes (4·side)² blocks.</param>
/// <param name="MaxGroups">The most groups one launch gets; the kernels stride over the rest.</param>
internal readonly record struct IlgpuLaunchShape(int Group, int ColumnsPerGroup, int AttentionItems, int GemmSide, int MaxGroups)
{
    /// <summary>Element-wise kernels stride over their range, so more groups than this add only launch cost.</summary>
    public const int MaxElementGroups = 4096;

    /// <summary>Groups for <paramref name="units"/> independent pieces of work (rows, blocks), capped at <see cref="MaxGroups"/>.</summary>
    public int GroupsFor(long units) => (int)Math.Max(1, Math.Min(units, MaxGroups));

    public static IlgpuLaunchShape For(Accelerator accelerator)
    {
        var group = FloorPowerOfTwo(Math.Min(GroupMath.MaxGroup, accelerator.MaxNumThreadsPerGroup));
        if (group < AttentionKernels.MinGroup)
        {
            throw new NotSupportedException($"accelerator '{accelerator.Name}' allows {accelerator.MaxNumThreadsPerGroup} items per group; the kernels need {AttentionKernels.MinGroup}");
        }

        var side = 1;
        while (side * 2 <= GemmKernels.MaxSide && side * 2 * side * 2 <= group)
        {
            side *= 2;
        }

        var maxGroups = accelerator.AcceleratorType == AcceleratorType.CPU ? 1 : 1 << 20;
        return new IlgpuLaunchShape(group, Math.Min(32, group), Math.Min(64, group), side, maxGroups);
    }

    private static int FloorPowerOfTwo(int value)
    {
        var power = 1;
        while (power * 2 <= value)
        {
            power *= 2;
        }

        return power;
    }
}
