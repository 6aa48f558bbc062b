using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Picks the CPU's GEMM by measurement: the managed kernel and OpenBLAS each multiply two 1024×1024 matrices on all
/// cores, one warm-up and five timed rounds each (a busy machine can slow either one for a round or two); the better of
/// each one's best time wins. Once per process (about 0.1 s), because which is faster depends on the CPU and the
/// OpenBLAS build, not on whether the library is installed.
/// <para>
/// The managed kernel's rounds all come first. OpenBLAS' threads spin for a while after each call (about 2^28 cycles by
/// default, tens of milliseconds), so a managed round right after an OpenBLAS one had only one of the two cores of the
/// development VM: rounds taking turns measured the managed GEMM at 131–179 GFLOP/s against OpenBLAS' 190–206 in five
/// processes of six, and 227–340 in the sixth, and the choice flipped from process to process (a calibration made
/// with one engine then predicted runs made with the other). The team's own threads spin for only
/// <see cref="GemmTeam.SpinMilliseconds"/>, which the pause before OpenBLAS' rounds covers.
/// </para>
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
            var own = Best(() => SimdGemm.Run(g, a, b, c, threads));
            Thread.Sleep(TimeSpan.FromMilliseconds(2 * GemmTeam.SpinMilliseconds));
            var library = Best(() => blas.Gemm(g, a, b, c));

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

    /// <summary>The best of <see cref="Rounds"/> timed calls after one that only warms up (JIT, thread start, page faults).</summary>
    private static double Best(Action body)
    {
        Time(body);
        var best = double.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            best = Math.Min(best, Time(body));
        }

        return best;
    }

    private static double Time(Action body)
    {
        var start = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
