using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Picks the CPU's GEMM by measurement: the managed kernel and OpenBLAS each multiply two 1024×1024 matrices on all
/// cores, alternating, five rounds (a busy machine can slow either one for a round or two); the better of each one's best time wins. Once per process (about 0.1 s), because
/// which is faster depends on the CPU and the OpenBLAS build, not on whether the library is installed.
/// </summary>
internal static unsafe class GemmProbe
{
    private const int Size = 1024;
    private const int Rounds = 5;

    private static readonly Lazy<(OpenBlas? OpenBlas, string Description)> Outcome = new(Measure);

    public static (OpenBlas? OpenBlas, string Description) Choose() => Outcome.Value;

    private static (OpenBlas?, string) Measure()
    {
        var blas = OpenBlas.TryLoad(out var reason);
        if (blas is null)
        {
            return (null, $"simd ({reason})");
        }

        var elements = (nuint)(Size * Size);
        var a = (float*)NativeMemory.AlignedAlloc(elements * sizeof(float), 64);
        var b = (float*)NativeMemory.AlignedAlloc(elements * sizeof(float), 64);
        var c = (float*)NativeMemory.AlignedAlloc(elements * sizeof(float), 64);
        try
        {
            for (nuint i = 0; i < elements; i++)
            {
                a[i] = (i % 7) * 0.25f;
                b[i] = (i % 5) * 0.5f;
            }

            var g = new GemmDescriptor { M = Size, N = Size, K = Size };
            var threads = Environment.ProcessorCount;
            double own = double.MaxValue, library = double.MaxValue;
            for (var round = 0; round <= Rounds; round++)
            {
                var simdSeconds = Time(() => SimdGemm.Run(g, a, b, c, threads));
                var blasSeconds = Time(() => blas.Gemm(g, a, b, c));
                if (round > 0)
                {
                    // Round 0 only warms up (JIT, OpenBLAS' thread start, page faults).
                    own = Math.Min(own, simdSeconds);
                    library = Math.Min(library, blasSeconds);
                }
            }

            var flops = 2.0 * Size * Size * Size;
            var figures = string.Create(CultureInfo.InvariantCulture,
                $"probe {Size}^3: simd {flops / own / 1e9:0} GFLOP/s, openblas {flops / library / 1e9:0} GFLOP/s");
            return own <= library ? (null, $"simd ({figures})") : (blas, $"openblas ({figures})");
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    private static double Time(Action body)
    {
        var start = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
