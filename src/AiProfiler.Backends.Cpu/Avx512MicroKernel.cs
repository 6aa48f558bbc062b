using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// 12×32 AVX-512 micro-kernel: 24 zmm accumulators, two B vectors and one broadcast A value per step (27 of the 32
/// registers, so nothing spills); 24 FMAs per 14 loads keep both FMA pipes busy with the loads well inside the two
/// per cycle that every AVX-512 core sustains.
/// </summary>
internal readonly unsafe struct Avx512MicroKernel : IGemmMicroKernel
{
    public static int Mr => 12;

    public static int Nr => 32;

    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    public static string Name => "avx512-12x32";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* pa, float* pb, float* c, long ldc, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        // C is read and written only after the loop: asking for its lines now hides their latency (L3 or DRAM once
        // C outgrows L2) behind the FMAs.
        for (var r = 0; r < 12; r++)
        {
            var row = c + (r * ldc);
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 16);
            Sse.Prefetch0(row + 31);
        }

        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(pb);
            var b1 = Vector512.Load(pb + 16);
            var a = Vector512.Create(pa[0]);
            c00 = Avx512F.FusedMultiplyAdd(a, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(pa[1]);
            c10 = Avx512F.FusedMultiplyAdd(a, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(pa[2]);
            c20 = Avx512F.FusedMultiplyAdd(a, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(pa[3]);
            c30 = Avx512F.FusedMultiplyAdd(a, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(pa[4]);
            c40 = Avx512F.FusedMultiplyAdd(a, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(pa[5]);
            c50 = Avx512F.FusedMultiplyAdd(a, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(pa[6]);
            c60 = Avx512F.FusedMultiplyAdd(a, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(pa[7]);
            c70 = Avx512F.FusedMultiplyAdd(a, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a, b1, c71);
            a = Vector512.Create(pa[8]);
            c80 = Avx512F.FusedMultiplyAdd(a, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(a, b1, c81);
            a = Vector512.Create(pa[9]);
            c90 = Avx512F.FusedMultiplyAdd(a, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(a, b1, c91);
            a = Vector512.Create(pa[10]);
            ca0 = Avx512F.FusedMultiplyAdd(a, b0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(a, b1, ca1);
            a = Vector512.Create(pa[11]);
            cb0 = Avx512F.FusedMultiplyAdd(a, b0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(a, b1, cb1);
            pa += 12;
            pb += 32;
        }

        Store(c, c00, c01, beta);
        Store(c + ldc, c10, c11, beta);
        Store(c + (2 * ldc), c20, c21, beta);
        Store(c + (3 * ldc), c30, c31, beta);
        Store(c + (4 * ldc), c40, c41, beta);
        Store(c + (5 * ldc), c50, c51, beta);
        Store(c + (6 * ldc), c60, c61, beta);
        Store(c + (7 * ldc), c70, c71, beta);
        Store(c + (8 * ldc), c80, c81, beta);
        Store(c + (9 * ldc), c90, c91, beta);
        Store(c + (10 * ldc), ca0, ca1, beta);
        Store(c + (11 * ldc), cb0, cb1, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, Vector512<float> lo, Vector512<float> hi, float beta)
    {
        if (beta == 0)
        {
            lo.Store(row);
            hi.Store(row + 16);
        }
        else if (beta == 1)
        {
            (Vector512.Load(row) + lo).Store(row);
            (Vector512.Load(row + 16) + hi).Store(row + 16);
        }
        else
        {
            var scale = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(Vector512.Load(row), scale, lo).Store(row);
            Avx512F.FusedMultiplyAdd(Vector512.Load(row + 16), scale, hi).Store(row + 16);
        }
    }
}
