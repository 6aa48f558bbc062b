using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// e^x and what is built on it (softmax steps, SiLU) in registers, compiled optimized from the first call. .NET 10's
/// <c>TensorPrimitives.Exp</c> on fp32 runs a scalar double-precision routine per element here (its vector form falls
/// back to software), and a prefill calls each op too few times for tiered compilation to optimize the loops around
/// it: on a Zen 5 core, exponentials took 10–14 % of a 32-token Llama-1B prefill and of each decode step (the
/// attention softmax), and a scalar SiLU another 5 % of a step. 256 bits wide on every x86-64 with AVX, and 512 bits
/// for the loops where AVX-512 is there: the decode-attention softmax (e^x of every score, and the maximum before it)
/// took 15 of the 55 µs a call spends in cache at Llama-3.2-1B's shape and 512 keys on one Zen 5 core, where
/// <c>Vector256.Max</c>'s NaN-propagating form (a range and two fix-up instructions in one dependency chain) alone cost
/// about a cycle per value.
/// </summary>
internal static unsafe class VectorMath
{
    // e^x = 2^n·e^r with n = round(x·log2 e) and r = x − n·ln 2 (ln 2 split in two so that n·high is exact), |r| ≤ ln2/2,
    // e^r by its Taylor series to r⁷/7! (truncation below 2⁻²⁷ relative; with the rounding of the steps a few ulp).
    // Below −86.6 the result is 0 (true e^x < 2.5e−38, where 2^n would leave the normal range) and above 88.72 +∞.
    private const float Log2E = 1.44269504f, Ln2High = 0.693145751953125f, Ln2Low = 1.42860682e-6f, Low = -86.6f, High = 88.7228394f;

    /// <summary>e^x lane-wise; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var c = Vector256.Min(Vector256.Max(x, Vector256.Create(Low)), Vector256.Create(High));
        var n = Vector256.Round(c * Log2E);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), c));
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(1f / 5040), r, Vector256.Create(1f / 720));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        // 2^n as 2^(n − 1)·2: n reaches 128 just below the top of the range.
        var e = p * Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(126), 23).AsSingle() * 2f;
        e = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Low)), Vector256<float>.Zero, e);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(High)), Vector256.Create(float.PositiveInfinity), e);
    }

    /// <summary>The same e^x sixteen lanes at a time: the same steps, so the same results lane for lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var c = Vector512.Min(Vector512.Max(x, Vector512.Create(Low)), Vector512.Create(High));
        var n = Vector512.Round(c * Log2E);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), c));
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(1f / 5040), r, Vector512.Create(1f / 720));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 120));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        var e = p * Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(126), 23).AsSingle() * 2f;
        e = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Low)), Vector512<float>.Zero, e);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(High)), Vector512.Create(float.PositiveInfinity), e);
    }

    /// <summary>x[i] = e^(x[i] − <paramref name="shift"/>), returning their sum: a softmax step after its maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShifted(Span<float> x, float shift)
    {
        var i = 0;
        var sum = 0f;
        fixed (float* p = x)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var s = Vector512<float>.Zero;
                for (; i + 16 <= x.Length; i += 16)
                {
                    var e = Exp(Vector512.Load(p + i) - Vector512.Create(shift));
                    e.Store(p + i);
                    s += e;
                }

                sum = Vector512.Sum(s);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                var s = Vector256<float>.Zero;
                for (; i + 8 <= x.Length; i += 8)
                {
                    var e = Exp(Vector256.Load(p + i) - Vector256.Create(shift));
                    e.Store(p + i);
                    s += e;
                }

                sum += Vector256.Sum(s);
            }
        }

        for (; i < x.Length; i++)
        {
            x[i] = MathF.Exp(x[i] - shift);
            sum += x[i];
        }

        return sum;
    }

    /// <summary>The largest value (−∞ for none; NaN if any is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(ReadOnlySpan<float> x)
    {
        var i = 0;
        var max = float.NegativeInfinity;
        fixed (float* p = x)
        {
            if (Avx.IsSupported && x.Length >= 8)
            {
                // vmaxps in two independent chains, and NaNs noted on the side: vmaxps lets a NaN through or drops it
                // depending on the operand it sits in, where Vector256.Max chains three instructions per vector to
                // propagate it.
                Vector256<float> m0 = Vector256.Create(float.NegativeInfinity), m1 = m0, nan = Vector256<float>.Zero;
                for (; i + 16 <= x.Length; i += 16)
                {
                    Vector256<float> a = Vector256.Load(p + i), b = Vector256.Load(p + i + 8);
                    m0 = Avx.Max(m0, a);
                    m1 = Avx.Max(m1, b);
                    nan |= Avx.Compare(a, b, FloatComparisonMode.UnorderedNonSignaling);
                }

                for (; i + 8 <= x.Length; i += 8)
                {
                    var a = Vector256.Load(p + i);
                    m0 = Avx.Max(m0, a);
                    nan |= Avx.Compare(a, a, FloatComparisonMode.UnorderedNonSignaling);
                }

                var m = Avx.Max(m0, m1);
                var q = Sse.Max(m.GetLower(), m.GetUpper());
                q = Sse.Max(q, Vector128.Shuffle(q, Vector128.Create(2, 3, 0, 1)));
                max = Sse.Max(q, Vector128.Shuffle(q, Vector128.Create(1, 0, 3, 2))).ToScalar();
                if (!Vector256.EqualsAll(nan.AsInt32(), Vector256<int>.Zero))
                {
                    return float.NaN;
                }
            }
        }

        for (; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }

        return max;
    }

    /// <summary>
    /// GPT-2's GELU, 0.5·x·(1 + tanh(u)) with u = <paramref name="c"/>·(x + <paramref name="k"/>·x³), computed as
    /// x / (1 + e^(−2u)), which it equals (1 + tanh u = 2 / (1 + e^(−2u))), with one exponential and no cancellation
    /// near u = 0. Through TensorPrimitives.Tanh (a scalar double routine per value here) it was 30 % of a GPT-2
    /// medium prefill on one core. x and y may be the same buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gelu(ReadOnlySpan<float> xs, Span<float> ys, float c, float k)
    {
        var i = 0;
        fixed (float* px = xs, py = ys)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= xs.Length; i += 8)
                {
                    var x = Vector256.Load(px + i);
                    var u = Vector256.FusedMultiplyAdd(x * x * x, Vector256.Create(k), x) * (-2f * c);
                    (x / (Vector256<float>.One + Exp(u))).Store(py + i);
                }
            }
        }

        for (; i < xs.Length; i++)
        {
            var x = xs[i];
            ys[i] = x / (1f + MathF.Exp(-2f * c * (x + (k * x * x * x))));
        }
    }

    /// <summary>y = x / (1 + e^−x) (x and y may be the same buffer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Silu(ReadOnlySpan<float> xs, Span<float> ys)
    {
        var i = 0;
        fixed (float* px = xs, py = ys)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= xs.Length; i += 16)
                {
                    var x = Vector512.Load(px + i);
                    (x / (Vector512<float>.One + Exp(-x))).Store(py + i);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= xs.Length; i += 8)
                {
                    var x = Vector256.Load(px + i);
                    (x / (Vector256<float>.One + Exp(-x))).Store(py + i);
                }
            }
        }

        for (; i < xs.Length; i++)
        {
            ys[i] = xs[i] / (1f + MathF.Exp(-xs[i]));
        }
    }
}
