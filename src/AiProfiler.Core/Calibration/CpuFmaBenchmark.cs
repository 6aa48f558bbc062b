using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// The CPU's arithmetic ceilings measured the way the Empirical Roofline Tool does: every core runs a loop of
/// independent multiply-adds on registers only, so nothing but the FMA units limits it. Twelve accumulators cover the
/// FMA latency (4 cycles) times the two FMA pipes of current x86 cores with room to spare, and stay within the 16
/// (AVX2) or 32 (AVX-512) vector registers, so the JIT keeps them all in registers.
/// </summary>
internal static class CpuFmaBenchmark
{
    private const int Accumulators = 12;

    /// <summary>The widest fp32 FMA the JIT can emit here: avx512, avx2, or portable (Vector128 multiply-add).</summary>
    public static string Fp32Path =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "avx512 fma"
        : Fma.IsSupported && Avx.IsSupported ? "avx2 fma"
        : "portable vector128 multiply-add";

    /// <summary>The int8 dot-product path, or null when the CPU has none that .NET exposes (AVX-VNNI: 256-bit vpdpbusd).</summary>
    public static string? Int8Path => AvxVnni.IsSupported ? "avx-vnni vpdpbusd (u8 x s8 -> s32)" : null;

    /// <summary>fp32 FLOP/s over all cores: <paramref name="repetitions"/> timed passes of about <paramref name="passSeconds"/> each.</summary>
    public static MeasuredRate MeasureFp32(int threads, double passSeconds, int repetitions) =>
        Measure(threads, passSeconds, repetitions, Fp32Kernel());

    /// <summary>int8 operations per second (a multiply and an add per byte pair), or null without VNNI.</summary>
    public static MeasuredRate? MeasureInt8(int threads, double passSeconds, int repetitions) =>
        AvxVnni.IsSupported ? Measure(threads, passSeconds, repetitions, Int8Vnni) : null;

    private static Func<long, double> Fp32Kernel() =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Fp32Avx512
        : Fma.IsSupported && Avx.IsSupported ? Fp32Avx2
        : Fp32Portable;

    /// <summary>
    /// Runs <paramref name="kernel"/> on <paramref name="threads"/> dedicated threads at once; the first pass sizes the
    /// iteration count so a pass takes about <paramref name="passSeconds"/>, and the rate of a pass is the total
    /// operations over the slowest thread's time (the threads start together at a barrier).
    /// </summary>
    private static MeasuredRate Measure(int threads, double passSeconds, int repetitions, Func<long, double> kernel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        long iterations = 1 << 16;
        var probe = Pass(threads, iterations, kernel);
        iterations = Math.Max(iterations, (long)(iterations * passSeconds / Math.Max(probe.Seconds, 1e-6)));
        var rates = new List<double>(repetitions);
        for (var r = 0; r < repetitions; r++)
        {
            var pass = Pass(threads, iterations, kernel);
            rates.Add(pass.Operations / pass.Seconds);
        }

        return MeasuredRate.FromSamples(rates);
    }

    private static (double Operations, double Seconds) Pass(int threads, long iterations, Func<long, double> kernel)
    {
        using var barrier = new Barrier(threads + 1);
        var operations = new double[threads];
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            workers[t] = new Thread(() =>
            {
                barrier.SignalAndWait();
                operations[index] = kernel(iterations);
            })
            { IsBackground = true, Priority = ThreadPriority.AboveNormal };
            workers[t].Start();
        }

        barrier.SignalAndWait();
        var start = Stopwatch.GetTimestamp();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return (operations.Sum(), Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    // acc = acc * m + a converges to a / (1 - m) = 1: no overflow, no denormals, whatever the iteration count.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Fp32Avx512(long iterations)
    {
        var m = Vector512.Create(0.999f);
        var a = Vector512.Create(0.001f);
        Vector512<float> c0 = Vector512<float>.One, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a);
            c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a);
            c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a);
            c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = Avx512F.FusedMultiplyAdd(c10, m, a);
            c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }

        Keep(Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11));
        return 2.0 * Vector512<float>.Count * Accumulators * iterations;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Fp32Avx2(long iterations)
    {
        var m = Vector256.Create(0.999f);
        var a = Vector256.Create(0.001f);
        Vector256<float> c0 = Vector256<float>.One, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a);
            c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a);
            c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a);
            c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a);
            c11 = Fma.MultiplyAdd(c11, m, a);
        }

        Keep(Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11));
        return 2.0 * Vector256<float>.Count * Accumulators * iterations;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Fp32Portable(long iterations)
    {
        var m = Vector128.Create(0.999f);
        var a = Vector128.Create(0.001f);
        Vector128<float> c0 = Vector128<float>.One, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector128.FusedMultiplyAdd(c0, m, a);
            c1 = Vector128.FusedMultiplyAdd(c1, m, a);
            c2 = Vector128.FusedMultiplyAdd(c2, m, a);
            c3 = Vector128.FusedMultiplyAdd(c3, m, a);
            c4 = Vector128.FusedMultiplyAdd(c4, m, a);
            c5 = Vector128.FusedMultiplyAdd(c5, m, a);
            c6 = Vector128.FusedMultiplyAdd(c6, m, a);
            c7 = Vector128.FusedMultiplyAdd(c7, m, a);
            c8 = Vector128.FusedMultiplyAdd(c8, m, a);
            c9 = Vector128.FusedMultiplyAdd(c9, m, a);
            c10 = Vector128.FusedMultiplyAdd(c10, m, a);
            c11 = Vector128.FusedMultiplyAdd(c11, m, a);
        }

        Keep(Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11));
        return 2.0 * Vector128<float>.Count * Accumulators * iterations;
    }

    // Each instruction adds four u8 x s8 products into each int32 lane; the lanes may wrap, which costs nothing and is
    // never read back.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Int8Vnni(long iterations)
    {
        var a = Vector256.Create((byte)1);
        var b = Vector256.Create((sbyte)1);
        Vector256<int> c0 = Vector256<int>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, a, b);
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, a, b);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, a, b);
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, a, b);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, a, b);
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, a, b);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, a, b);
            c7 = AvxVnni.MultiplyWideningAndAdd(c7, a, b);
            c8 = AvxVnni.MultiplyWideningAndAdd(c8, a, b);
            c9 = AvxVnni.MultiplyWideningAndAdd(c9, a, b);
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, a, b);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, a, b);
        }

        Keep(Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11));
        return 2.0 * Vector256<byte>.Count * Accumulators * iterations;
    }

    // Publishing the result keeps the JIT from removing the loop as dead code.
    private static void Keep(float value) => Volatile.Write(ref _sink, value);

    private static float _sink;
}
