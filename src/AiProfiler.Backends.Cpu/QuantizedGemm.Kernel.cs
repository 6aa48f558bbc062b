using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The micro-kernel: 4 tokens × 16 packed rows over all of K.
internal static unsafe partial class QuantizedGemm
{
    /// <summary>
    /// x[t]·W[r] for the panel's 4 tokens (the last repeated past its end) and the 16 packed rows at <paramref name="w"/>
    /// (the second group <paramref name="groupStride"/> bytes on), into <paramref name="results"/> token after token.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TDot, TSource>(byte* w, long groupStride, Panel panel, float* results)
        where TDot : struct, QuantizedDot.IInt8Dot
        where TSource : struct, IPackSource
    {
        byte* w0 = w, w1 = w + groupStride;
        byte* x0 = panel.Token(0), x1 = panel.Token(1), x2 = panel.Token(2), x3 = panel.Token(3);
        float* s0 = panel.Scales(0), s1 = panel.Scales(1), s2 = panel.Scales(2), s3 = panel.Scales(3);
        float* m0 = panel.Sums(0), m1 = panel.Sums(1), m2 = panel.Sums(2), m3 = panel.Sums(3);
        int* i0 = panel.IntSums(0), i1 = panel.IntSums(1), i2 = panel.IntSums(2), i3 = panel.IntSums(3);
        Vector256<float> f00 = default, f01 = default, f10 = default, f11 = default, f20 = default, f21 = default, f30 = default, f31 = default;
        for (var b = 0; b < panel.Blocks; b++, w0 += TSource.Stride, w1 += TSource.Stride, x0 += 32, x1 += 32, x2 += 32, x3 += 32)
        {
            Vector256<int> a00 = Start<TDot, TSource>(w0, OffsetsAt, i0[b]), a01 = Start<TDot, TSource>(w1, OffsetsAt, i0[b]);
            Vector256<int> a10 = Start<TDot, TSource>(w0, OffsetsAt, i1[b]), a11 = Start<TDot, TSource>(w1, OffsetsAt, i1[b]);
            Vector256<int> a20 = Start<TDot, TSource>(w0, OffsetsAt, i2[b]), a21 = Start<TDot, TSource>(w1, OffsetsAt, i2[b]);
            Vector256<int> a30 = Start<TDot, TSource>(w0, OffsetsAt, i3[b]), a31 = Start<TDot, TSource>(w1, OffsetsAt, i3[b]);
            // Unrolled: a loop here would make the JIT keep the fp32 accumulators in memory around it.
            Piece<TDot, TSource>(0, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(4, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(8, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(12, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            if (TSource.Halves)
            {
                // Q6_K: the first 16 values have their own scales; the second 16 start new sums.
                Scale(a00, a01, a10, a11, a20, a21, a30, a31, w0 + ScalesAt, w1 + ScalesAt, s0[b], s1[b], s2[b], s3[b], ref f00, ref f01, ref f10, ref f11, ref f20, ref f21, ref f30, ref f31);
                a00 = a10 = a20 = a30 = Start<TDot, TSource>(w0, SecondOffsetsAt, 0);
                a01 = a11 = a21 = a31 = Start<TDot, TSource>(w1, SecondOffsetsAt, 0);
            }

            Piece<TDot, TSource>(16, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(20, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(24, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(28, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            var scales = TSource.Halves ? SecondScalesAt : ScalesAt;
            Scale(a00, a01, a10, a11, a20, a21, a30, a31, w0 + scales, w1 + scales, s0[b], s1[b], s2[b], s3[b], ref f00, ref f01, ref f10, ref f11, ref f20, ref f21, ref f30, ref f31);
            if (TSource.Mins)
            {
                // Q4_K's −dmin·m times the token's d_x·Σx_q: the offsets once per block rather than per value.
                var d0 = Vector256.Load((float*)(w0 + MinsAt));
                var d1 = Vector256.Load((float*)(w1 + MinsAt));
                var d = Vector256.Create(m0[b]);
                f00 = Vector256.FusedMultiplyAdd(d0, d, f00);
                f01 = Vector256.FusedMultiplyAdd(d1, d, f01);
                d = Vector256.Create(m1[b]);
                f10 = Vector256.FusedMultiplyAdd(d0, d, f10);
                f11 = Vector256.FusedMultiplyAdd(d1, d, f11);
                d = Vector256.Create(m2[b]);
                f20 = Vector256.FusedMultiplyAdd(d0, d, f20);
                f21 = Vector256.FusedMultiplyAdd(d1, d, f21);
                d = Vector256.Create(m3[b]);
                f30 = Vector256.FusedMultiplyAdd(d0, d, f30);
                f31 = Vector256.FusedMultiplyAdd(d1, d, f31);
            }
        }

        // All 4 × 16 go to the caller's buffer: stores to y under conditions made the JIT keep the accumulators in memory.
        f00.Store(results);
        f01.Store(results + 8);
        f10.Store(results + 16);
        f11.Store(results + 24);
        f20.Store(results + 32);
        f21.Store(results + 40);
        f30.Store(results + 48);
        f31.Store(results + 56);
    }

    /// <summary>The products of the 4-byte piece at byte <paramref name="q"/> of a block: 4 tokens × 16 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Piece<TDot, TSource>(
        int q, byte* w0, byte* w1, byte* x0, byte* x1, byte* x2, byte* x3,
        ref Vector256<int> a00, ref Vector256<int> a01, ref Vector256<int> a10, ref Vector256<int> a11,
        ref Vector256<int> a20, ref Vector256<int> a21, ref Vector256<int> a30, ref Vector256<int> a31)
        where TDot : struct, QuantizedDot.IInt8Dot
        where TSource : struct, IPackSource
    {
        var v0 = Vector256.Load((sbyte*)w0 + (q * GroupRows));
        var v1 = Vector256.Load((sbyte*)w1 + (q * GroupRows));
        var x = Vector256.Create(*(int*)(x0 + q)).AsSByte();
        a00 = Term<TDot, TSource>(a00, x, v0);
        a01 = Term<TDot, TSource>(a01, x, v1);
        x = Vector256.Create(*(int*)(x1 + q)).AsSByte();
        a10 = Term<TDot, TSource>(a10, x, v0);
        a11 = Term<TDot, TSource>(a11, x, v1);
        x = Vector256.Create(*(int*)(x2 + q)).AsSByte();
        a20 = Term<TDot, TSource>(a20, x, v0);
        a21 = Term<TDot, TSource>(a21, x, v1);
        x = Vector256.Create(*(int*)(x3 + q)).AsSByte();
        a30 = Term<TDot, TSource>(a30, x, v0);
        a31 = Term<TDot, TSource>(a31, x, v1);
    }

    /// <summary>f[t, g] += fp32(a[t, g])·(the rows' scales at <paramref name="d0"/>, <paramref name="d1"/> × token t's d_x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(
        Vector256<int> a00, Vector256<int> a01, Vector256<int> a10, Vector256<int> a11,
        Vector256<int> a20, Vector256<int> a21, Vector256<int> a30, Vector256<int> a31,
        byte* d0, byte* d1, float t0, float t1, float t2, float t3,
        ref Vector256<float> f00, ref Vector256<float> f01, ref Vector256<float> f10, ref Vector256<float> f11,
        ref Vector256<float> f20, ref Vector256<float> f21, ref Vector256<float> f30, ref Vector256<float> f31)
    {
        var r0 = Vector256.Load((float*)d0);
        var r1 = Vector256.Load((float*)d1);
        var d = Vector256.Create(t0);
        f00 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a00), r0 * d, f00);
        f01 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a01), r1 * d, f01);
        d = Vector256.Create(t1);
        f10 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a10), r0 * d, f10);
        f11 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a11), r1 * d, f11);
        d = Vector256.Create(t2);
        f20 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a20), r0 * d, f20);
        f21 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a21), r1 * d, f21);
        d = Vector256.Create(t3);
        f30 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a30), r0 * d, f30);
        f31 = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(a31), r1 * d, f31);
    }

    /// <summary>
    /// Where a run of int32 sums starts: for unsigned codes (<see cref="IPackSource.Unsigned"/>) −offset·Σx_q of the
    /// token's block (<paramref name="sum"/>); else −128·Σw per row (at <paramref name="offsets"/>) where x enters as
    /// x + 128 (AVX-VNNI), or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Start<TDot, TSource>(byte* packed, int offsets, int sum)
        where TDot : struct, QuantizedDot.IInt8Dot
        where TSource : struct, IPackSource
    {
        if (TSource.Unsigned)
        {
            return TSource.CodeOffset == 0 ? Vector256<int>.Zero : Vector256.Create(-TSource.CodeOffset * sum);
        }

        return typeof(TDot) == typeof(QuantizedDot.VnniDot) ? Vector256.Load((int*)(packed + offsets)) : Vector256<int>.Zero;
    }

    /// <summary>
    /// Adds four products of x's broadcast bytes and each row's packed bytes to every row's lane: unsigned codes times
    /// signed x as they are; signed weights times x + 128 (AVX-VNNI), or |w| times x with w's sign (AVX2, where
    /// (x + 128)·w could saturate <c>vpmaddubsw</c>'s pair sums; 15·127·2 cannot).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Term<TDot, TSource>(Vector256<int> accumulator, Vector256<sbyte> x, Vector256<sbyte> w)
        where TDot : struct, QuantizedDot.IInt8Dot
        where TSource : struct, IPackSource
    {
        if (TSource.Unsigned)
        {
            return TDot.DotAdd(accumulator, w.AsByte(), x);
        }

        return typeof(TDot) == typeof(QuantizedDot.VnniDot)
            ? TDot.DotAdd(accumulator, x.AsByte(), w)
            : TDot.DotAdd(accumulator, Avx2.Abs(w), Avx2.Sign(x, w));
    }
}
