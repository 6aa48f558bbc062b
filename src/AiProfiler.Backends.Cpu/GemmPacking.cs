using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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

        // A is stored M×K: a step's mr values lie in mr rows. Four rows at a time go through a 4×4 transpose (four
        // loads, eight shuffles, four stores per 16 values) instead of 16 scattered scalar stores.
        var row = 0;
        if (Sse.IsSupported)
        {
            for (; row + 4 <= rows; row += 4)
            {
                PackFourRows(a + ((i0 + row) * lda) + p0, lda, dst + row, mr, kc, alpha);
            }
        }

        for (; row < rows; row++)
        {
            var source = a + ((i0 + row) * lda) + p0;
            var o = dst + row;
            for (var p = 0; p < kc; p++)
            {
                o[p * mr] = alpha * source[p];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PackFourRows(float* s0, long lda, float* o, int mr, int kc, float alpha)
    {
        float* s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
        var scale = Vector128.Create(alpha);
        var p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            var x0 = Vector128.Load(s0 + p) * scale;
            var x1 = Vector128.Load(s1 + p) * scale;
            var x2 = Vector128.Load(s2 + p) * scale;
            var x3 = Vector128.Load(s3 + p) * scale;
            // t0 = a0 b0 a1 b1, t1 = c0 d0 c1 d1, t2 = a2 b2 a3 b3, t3 = c2 d2 c3 d3.
            var t0 = Sse.UnpackLow(x0, x1);
            var t1 = Sse.UnpackLow(x2, x3);
            var t2 = Sse.UnpackHigh(x0, x1);
            var t3 = Sse.UnpackHigh(x2, x3);
            Sse.MoveLowToHigh(t0, t1).Store(o + (p * mr));
            Sse.MoveHighToLow(t1, t0).Store(o + ((p + 1) * mr));
            Sse.MoveLowToHigh(t2, t3).Store(o + ((p + 2) * mr));
            Sse.MoveHighToLow(t3, t2).Store(o + ((p + 3) * mr));
        }

        for (; p < kc; p++)
        {
            var step = o + (p * mr);
            step[0] = alpha * s0[p];
            step[1] = alpha * s1[p];
            step[2] = alpha * s2[p];
            step[3] = alpha * s3[p];
        }
    }

    /// <summary>
    /// Packs the B panels [first, last) of a block that starts at column j0 and is cols wide, each as <see cref="PackB"/>
    /// packs one. B stored K×N is read a row at a time across all the panels (one contiguous run per k step, which the
    /// hardware prefetcher follows) instead of panel by panel (one nr-value piece per k step, a row stride apart): a
    /// prefill's weights come from DRAM here, and panel order spent 15 % of a GPT-2 medium prefill in short copies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBPanels(in GemmDescriptor g, float* b, float* blockB, int nr, int j0, int cols, int first, int last, int p0, int kc)
    {
        var full = Math.Min(last, cols / nr);
        if (!g.TransposeB && first < full && Vector256.IsHardwareAccelerated && nr % Vector256<float>.Count == 0)
        {
            var ldb = (long)g.EffectiveLdB;
            for (var p = 0; p < kc; p++)
            {
                var source = b + ((p0 + p) * ldb) + j0;
                var target = blockB + (p * nr);
                // The run a few rows on is requested now: each row's run is a short stretch of its own page, too short
                // for the hardware prefetcher to get ahead of.
                var ahead = p + PackAheadRows < kc ? source + (PackAheadRows * ldb) : null;
                for (var panel = first; panel < full; panel++)
                {
                    if (ahead is not null && Sse.IsSupported)
                    {
                        for (var line = 0; line < nr; line += 16)
                        {
                            Sse.Prefetch0(ahead + (panel * nr) + line);
                        }
                    }

                    CopyPanelStep(source + (panel * nr), target + ((long)panel * nr * kc), nr);
                }
            }

            first = full;
        }

        for (var panel = first; panel < last; panel++)
        {
            PackB(g, b, blockB + ((long)panel * nr * kc), nr, j0 + (panel * nr), Math.Min(nr, cols - (panel * nr)), p0, kc);
        }
    }

    // Rows of B requested ahead of the one being copied.
    private const int PackAheadRows = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPanelStep(float* source, float* target, int nr)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= nr; i += Vector512<float>.Count)
            {
                Vector512.Load(source + i).Store(target + i);
            }
        }

        for (; i < nr; i += Vector256<float>.Count)
        {
            Vector256.Load(source + i).Store(target + i);
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
