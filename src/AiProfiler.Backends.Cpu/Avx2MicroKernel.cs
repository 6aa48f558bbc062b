using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// 6×16 AVX2/FMA micro-kernel: 12 ymm accumulators, two B vectors and one broadcast A value (15 of the 16 registers),
/// the tile BLIS and OpenBLAS use on Haswell-class cores.
/// </summary>
internal readonly unsafe struct Avx2MicroKernel : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int Nr => 16;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;

    public static string Name => "avx2-6x16";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* pa, float* pb, float* c, long ldc, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // C is read and written only after the loop: asking for its lines now hides their latency (L3 or DRAM once
        // C outgrows L2) behind the FMAs.
        for (var r = 0; r < 6; r++)
        {
            var row = c + (r * ldc);
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 15);
        }

        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(pb);
            var b1 = Vector256.Load(pb + 8);
            var a = Vector256.Create(pa[0]);
            c00 = Fma.MultiplyAdd(a, b0, c00);
            c01 = Fma.MultiplyAdd(a, b1, c01);
            a = Vector256.Create(pa[1]);
            c10 = Fma.MultiplyAdd(a, b0, c10);
            c11 = Fma.MultiplyAdd(a, b1, c11);
            a = Vector256.Create(pa[2]);
            c20 = Fma.MultiplyAdd(a, b0, c20);
            c21 = Fma.MultiplyAdd(a, b1, c21);
            a = Vector256.Create(pa[3]);
            c30 = Fma.MultiplyAdd(a, b0, c30);
            c31 = Fma.MultiplyAdd(a, b1, c31);
            a = Vector256.Create(pa[4]);
            c40 = Fma.MultiplyAdd(a, b0, c40);
            c41 = Fma.MultiplyAdd(a, b1, c41);
            a = Vector256.Create(pa[5]);
            c50 = Fma.MultiplyAdd(a, b0, c50);
            c51 = Fma.MultiplyAdd(a, b1, c51);
            pa += 6;
            pb += 16;
        }

        Store(c, c00, c01, beta);
        Store(c + ldc, c10, c11, beta);
        Store(c + (2 * ldc), c20, c21, beta);
        Store(c + (3 * ldc), c30, c31, beta);
        Store(c + (4 * ldc), c40, c41, beta);
        Store(c + (5 * ldc), c50, c51, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, Vector256<float> lo, Vector256<float> hi, float beta)
    {
        if (beta == 0)
        {
            lo.Store(row);
            hi.Store(row + 8);
        }
        else if (beta == 1)
        {
            (Vector256.Load(row) + lo).Store(row);
            (Vector256.Load(row + 8) + hi).Store(row + 8);
        }
        else
        {
            var scale = Vector256.Create(beta);
            Fma.MultiplyAdd(Vector256.Load(row), scale, lo).Store(row);
            Fma.MultiplyAdd(Vector256.Load(row + 8), scale, hi).Store(row + 8);
        }
    }
}
