using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// 4×8 micro-kernel on 128-bit vectors (SSE or Arm NEON): eight accumulators, so it also fits the 16 registers of
/// SSE. Multiply-add is fused where the CPU has FMA and a multiply then an add where it does not.
/// </summary>
internal readonly unsafe struct PortableMicroKernel : IGemmMicroKernel
{
    public static int Mr => 4;

    public static int Nr => 8;

    public static bool IsSupported => true;

    public static string Name => Vector128.IsHardwareAccelerated ? "vector128-4x8" : "scalar-4x8";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* pa, float* pb, float* c, long ldc, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(pb);
            var b1 = Vector128.Load(pb + 4);
            var a = Vector128.Create(pa[0]);
            c00 = Vector128.MultiplyAddEstimate(a, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(a, b1, c01);
            a = Vector128.Create(pa[1]);
            c10 = Vector128.MultiplyAddEstimate(a, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(a, b1, c11);
            a = Vector128.Create(pa[2]);
            c20 = Vector128.MultiplyAddEstimate(a, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(a, b1, c21);
            a = Vector128.Create(pa[3]);
            c30 = Vector128.MultiplyAddEstimate(a, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(a, b1, c31);
            pa += 4;
            pb += 8;
        }

        Store(c, c00, c01, beta);
        Store(c + ldc, c10, c11, beta);
        Store(c + (2 * ldc), c20, c21, beta);
        Store(c + (3 * ldc), c30, c31, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, Vector128<float> lo, Vector128<float> hi, float beta)
    {
        if (beta == 0)
        {
            lo.Store(row);
            hi.Store(row + 4);
        }
        else
        {
            var scale = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(Vector128.Load(row), scale, lo).Store(row);
            Vector128.MultiplyAddEstimate(Vector128.Load(row + 4), scale, hi).Store(row + 4);
        }
    }
}
