using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The micro-kernel with its fp32 side at 512 bits, where the CPU has AVX-512F.
internal static unsafe partial class QuantizedGemm
{
    /// <summary>
    /// <see cref="Kernel{TDot, TSource}"/> with a token's two groups of 8 rows joined in one 512-bit register for the
    /// conversion, the scaling and the accumulation: per block 4 tokens × (join, convert, multiply, FMA) instead of
    /// 4 × 2 × (convert, multiply, FMA), next to 64 <c>vpdpbusd</c>, which stay at 256 bits (see <see cref="DotPaths.Int8"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512<TDot, TSource>(byte* w, long groupStride, Panel panel, float* results)
        where TDot : struct, QuantizedDot.IInt8Dot
        where TSource : struct, IPackSource
    {
        byte* w0 = w, w1 = w + groupStride;
        byte* x0 = panel.Token(0), x1 = panel.Token(1), x2 = panel.Token(2), x3 = panel.Token(3);
        float* s0 = panel.Scales(0), s1 = panel.Scales(1), s2 = panel.Scales(2), s3 = panel.Scales(3);
        float* m0 = panel.Sums(0), m1 = panel.Sums(1), m2 = panel.Sums(2), m3 = panel.Sums(3);
        int* i0 = panel.IntSums(0), i1 = panel.IntSums(1), i2 = panel.IntSums(2), i3 = panel.IntSums(3);
        Vector512<float> f0 = default, f1 = default, f2 = default, f3 = default;
        for (var b = 0; b < panel.Blocks; b++, w0 += TSource.Stride, w1 += TSource.Stride, x0 += 32, x1 += 32, x2 += 32, x3 += 32)
        {
            Vector256<int> a00 = Start<TDot, TSource>(w0, OffsetsAt, i0[b]), a01 = Start<TDot, TSource>(w1, OffsetsAt, i0[b]);
            Vector256<int> a10 = Start<TDot, TSource>(w0, OffsetsAt, i1[b]), a11 = Start<TDot, TSource>(w1, OffsetsAt, i1[b]);
            Vector256<int> a20 = Start<TDot, TSource>(w0, OffsetsAt, i2[b]), a21 = Start<TDot, TSource>(w1, OffsetsAt, i2[b]);
            Vector256<int> a30 = Start<TDot, TSource>(w0, OffsetsAt, i3[b]), a31 = Start<TDot, TSource>(w1, OffsetsAt, i3[b]);
            Piece<TDot, TSource>(0, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(4, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(8, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(12, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            if (TSource.Halves)
            {
                Scale512(a00, a01, a10, a11, a20, a21, a30, a31, Pair(w0, w1, ScalesAt), s0[b], s1[b], s2[b], s3[b], ref f0, ref f1, ref f2, ref f3);
                a00 = a10 = a20 = a30 = Start<TDot, TSource>(w0, SecondOffsetsAt, 0);
                a01 = a11 = a21 = a31 = Start<TDot, TSource>(w1, SecondOffsetsAt, 0);
            }

            Piece<TDot, TSource>(16, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(20, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(24, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Piece<TDot, TSource>(28, w0, w1, x0, x1, x2, x3, ref a00, ref a01, ref a10, ref a11, ref a20, ref a21, ref a30, ref a31);
            Scale512(a00, a01, a10, a11, a20, a21, a30, a31, Pair(w0, w1, TSource.Halves ? SecondScalesAt : ScalesAt), s0[b], s1[b], s2[b], s3[b], ref f0, ref f1, ref f2, ref f3);
            if (TSource.Mins)
            {
                var mins = Pair(w0, w1, MinsAt);
                f0 = Avx512F.FusedMultiplyAdd(mins, Vector512.Create(m0[b]), f0);
                f1 = Avx512F.FusedMultiplyAdd(mins, Vector512.Create(m1[b]), f1);
                f2 = Avx512F.FusedMultiplyAdd(mins, Vector512.Create(m2[b]), f2);
                f3 = Avx512F.FusedMultiplyAdd(mins, Vector512.Create(m3[b]), f3);
            }
        }

        f0.Store(results);
        f1.Store(results + 16);
        f2.Store(results + 32);
        f3.Store(results + 48);
    }

    /// <summary>The 8 fp32 values at <paramref name="at"/> of both groups' packed blocks, the first group's low.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(byte* w0, byte* w1, int at) =>
        Vector256.Load((float*)(w0 + at)).ToVector512Unsafe().WithUpper(Vector256.Load((float*)(w1 + at)));

    /// <summary>f[t] += fp32(a[t, 0] ‖ a[t, 1])·(<paramref name="rows"/>' scales × token t's d_x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale512(
        Vector256<int> a00, Vector256<int> a01, Vector256<int> a10, Vector256<int> a11,
        Vector256<int> a20, Vector256<int> a21, Vector256<int> a30, Vector256<int> a31,
        Vector512<float> rows, float t0, float t1, float t2, float t3,
        ref Vector512<float> f0, ref Vector512<float> f1, ref Vector512<float> f2, ref Vector512<float> f3)
    {
        f0 = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(a00.ToVector512Unsafe().WithUpper(a01)), rows * t0, f0);
        f1 = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(a10.ToVector512Unsafe().WithUpper(a11)), rows * t1, f1);
        f2 = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(a20.ToVector512Unsafe().WithUpper(a21)), rows * t2, f2);
        f3 = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(a30.ToVector512Unsafe().WithUpper(a31)), rows * t3, f3);
    }
}
