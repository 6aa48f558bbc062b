using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// The calibrated FMA peak: every core runs 16 independent chains of fused multiply-adds on the widest vectors it has
/// (enough chains to cover the FMA latency on both pipes), with no memory traffic. What a GEMM could reach at best.
/// </summary>
internal static class FmaLoop
{
    private const int Chains = 16;

    /// <summary>FLOP/s of all <paramref name="threads"/> threads together over about <paramref name="seconds"/>.</summary>
    public static double Measure(int threads, double seconds)
    {
        var (lanes, iterationsPer10Ms) = (Lanes(), Calibrate());
        var iterations = (long)(iterationsPer10Ms * seconds * 100);
        var sink = new float[threads];
        var start = Stopwatch.GetTimestamp();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sink[t] = Run(iterations));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        GC.KeepAlive(sink);
        return threads * iterations * Chains * lanes * 2.0 / elapsed;
    }

    private static int Lanes() => Avx512F.IsSupported ? 16 : Fma.IsSupported ? 8 : 4;

    private static long Calibrate()
    {
        var start = Stopwatch.GetTimestamp();
        Run(100_000);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return Math.Max(1000, (long)(100_000 * 0.01 / seconds));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run(long iterations) =>
        Avx512F.IsSupported ? Run512(iterations) : Fma.IsSupported ? Run256(iterations) : Run128(iterations);

    private static float Run512(long iterations)
    {
        var x = Vector512.Create(0.999999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x;
        Vector512<float> a8 = x, a9 = x, a10 = x, a11 = x, a12 = x, a13 = x, a14 = x, a15 = x;
        for (var i = 0L; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, x, y); a1 = Avx512F.FusedMultiplyAdd(a1, x, y);
            a2 = Avx512F.FusedMultiplyAdd(a2, x, y); a3 = Avx512F.FusedMultiplyAdd(a3, x, y);
            a4 = Avx512F.FusedMultiplyAdd(a4, x, y); a5 = Avx512F.FusedMultiplyAdd(a5, x, y);
            a6 = Avx512F.FusedMultiplyAdd(a6, x, y); a7 = Avx512F.FusedMultiplyAdd(a7, x, y);
            a8 = Avx512F.FusedMultiplyAdd(a8, x, y); a9 = Avx512F.FusedMultiplyAdd(a9, x, y);
            a10 = Avx512F.FusedMultiplyAdd(a10, x, y); a11 = Avx512F.FusedMultiplyAdd(a11, x, y);
            a12 = Avx512F.FusedMultiplyAdd(a12, x, y); a13 = Avx512F.FusedMultiplyAdd(a13, x, y);
            a14 = Avx512F.FusedMultiplyAdd(a14, x, y); a15 = Avx512F.FusedMultiplyAdd(a15, x, y);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    private static float Run256(long iterations)
    {
        var x = Vector256.Create(0.999999f);
        var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x;
        Vector256<float> a8 = x, a9 = x, a10 = x, a11 = x, a12 = x, a13 = x, a14 = x, a15 = x;
        for (var i = 0L; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, x, y); a1 = Fma.MultiplyAdd(a1, x, y);
            a2 = Fma.MultiplyAdd(a2, x, y); a3 = Fma.MultiplyAdd(a3, x, y);
            a4 = Fma.MultiplyAdd(a4, x, y); a5 = Fma.MultiplyAdd(a5, x, y);
            a6 = Fma.MultiplyAdd(a6, x, y); a7 = Fma.MultiplyAdd(a7, x, y);
            a8 = Fma.MultiplyAdd(a8, x, y); a9 = Fma.MultiplyAdd(a9, x, y);
            a10 = Fma.MultiplyAdd(a10, x, y); a11 = Fma.MultiplyAdd(a11, x, y);
            a12 = Fma.MultiplyAdd(a12, x, y); a13 = Fma.MultiplyAdd(a13, x, y);
            a14 = Fma.MultiplyAdd(a14, x, y); a15 = Fma.MultiplyAdd(a15, x, y);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    private static float Run128(long iterations)
    {
        var x = Vector128.Create(0.999999f);
        var y = Vector128.Create(1e-7f);
        Vector128<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x;
        Vector128<float> a8 = x, a9 = x, a10 = x, a11 = x, a12 = x, a13 = x, a14 = x, a15 = x;
        for (var i = 0L; i < iterations; i++)
        {
            a0 = Vector128.MultiplyAddEstimate(a0, x, y); a1 = Vector128.MultiplyAddEstimate(a1, x, y);
            a2 = Vector128.MultiplyAddEstimate(a2, x, y); a3 = Vector128.MultiplyAddEstimate(a3, x, y);
            a4 = Vector128.MultiplyAddEstimate(a4, x, y); a5 = Vector128.MultiplyAddEstimate(a5, x, y);
            a6 = Vector128.MultiplyAddEstimate(a6, x, y); a7 = Vector128.MultiplyAddEstimate(a7, x, y);
            a8 = Vector128.MultiplyAddEstimate(a8, x, y); a9 = Vector128.MultiplyAddEstimate(a9, x, y);
            a10 = Vector128.MultiplyAddEstimate(a10, x, y); a11 = Vector128.MultiplyAddEstimate(a11, x, y);
            a12 = Vector128.MultiplyAddEstimate(a12, x, y); a13 = Vector128.MultiplyAddEstimate(a13, x, y);
            a14 = Vector128.MultiplyAddEstimate(a14, x, y); a15 = Vector128.MultiplyAddEstimate(a15, x, y);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }
}
