using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Packing for <see cref="SimdGemm"/>: panels of op(A) and op(B) laid out in the order the micro-kernel reads them
/// (k-major, Mr or Nr values per step), zero-padded to a full panel so that edge tiles need no other code path.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[i0..i0+rows, p0..p0+kc] × alpha into one panel: k-major, mr values per step, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in GemmDescriptor g, float* a, float* dst, int mr, int i0, int rows, int p0, int kc)
    {
        var lda = (long)g.EffectiveLdA;
        var alpha = g.Alpha;
        if (rows < mr)
        {
            new Span<float>(dst, mr * kc).Clear();
        }

        if (g.TransposeA)
        {
            // A is stored K×M: each step's mr values are contiguous.
            for (var p = 0; p < kc; p++)
            {
                var source = a + ((p0 + p) * lda) + i0;
                var o = dst + (p * mr);
                for (var r = 0; r < rows; r++)
                {
                    o[r] = alpha * source[r];
                }
            }

            return;
        }

        for (var r = 0; r < rows; r++)
        {
            var source = a + ((i0 + r) * lda) + p0;
            var o = dst + r;
            for (var p = 0; p < kc; p++)
            {
                o[p * mr] = alpha * source[p];
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+cols] into one panel: k-major, nr values per step, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmDescriptor g, float* b, float* dst, int nr, int j0, int cols, int p0, int kc)
    {
        var ldb = (long)g.EffectiveLdB;
        if (cols < nr)
        {
            new Span<float>(dst, nr * kc).Clear();
        }

        if (g.TransposeB)
        {
            // B is stored N×K: each column of op(B) is a contiguous row.
            for (var j = 0; j < cols; j++)
            {
                var source = b + ((j0 + j) * ldb) + p0;
                var o = dst + j;
                for (var p = 0; p < kc; p++)
                {
                    o[p * nr] = source[p];
                }
            }

            return;
        }

        for (var p = 0; p < kc; p++)
        {
            new ReadOnlySpan<float>(b + ((p0 + p) * ldb) + j0, cols).CopyTo(new Span<float>(dst + (p * nr), cols));
        }
    }
}
