using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The CPU's fp32 GEMM: the managed packed kernel (<see cref="SimdGemm"/>) or OpenBLAS (<c>libopenblas.so.0</c>).
/// With <c>auto</c> the faster of the two on this machine is chosen by <see cref="GemmProbe"/> on first use, not by
/// whether the library is installed. Both take the contract's row-major <see cref="GemmDescriptor"/> over raw pointers.
/// </summary>
public sealed unsafe class CpuGemmEngine
{
    private readonly Lazy<OpenBlas?> _chosen;

    private CpuGemmEngine(Func<OpenBlas?> choose) => _chosen = new Lazy<OpenBlas?>(choose);

    /// <summary><c>simd</c> (the managed kernel) or <c>openblas</c>; with <c>auto</c>, reading it runs the probe.</summary>
    public string Name => _chosen.Value is null ? "simd" : "openblas";

    /// <summary>The managed kernel's micro-kernel on this CPU, e.g. <c>avx512-12x32</c>.</summary>
    public static string ManagedKernel => SimdGemm.KernelName;

    /// <summary>How the engine was chosen: the preference, and for <c>auto</c> the probe's figures.</summary>
    public string Selection { get; private set; } = "";

    private OpenBlas? Blas => _chosen.Value;

    /// <summary>
    /// Creates the engine for <paramref name="preference"/>: <c>auto</c> (the faster of the two, measured once per
    /// process), <c>simd</c>, or <c>openblas</c> (fails with the reason when the library is missing).
    /// </summary>
    public static CpuGemmEngine Create(string preference)
    {
        switch (preference)
        {
            case "simd":
                return new CpuGemmEngine(() => null) { Selection = "simd (asked for)" };
            case "openblas":
                var blas = OpenBlas.TryLoad(out var reason) ?? throw new InvalidOperationException($"CPU GEMM 'openblas' is unavailable: {reason}; install libopenblas0 or use 'simd'");
                return new CpuGemmEngine(() => blas) { Selection = "openblas (asked for)" };
            case "auto":
                CpuGemmEngine? engine = null;
                engine = new CpuGemmEngine(() =>
                {
                    var outcome = GemmProbe.Choose();
                    engine!.Selection = outcome.Description;
                    return outcome.OpenBlas;
                });
                return engine;
            default:
                throw new ArgumentException($"unknown CPU GEMM '{preference}'; use auto, simd or openblas", nameof(preference));
        }
    }

    /// <summary>Runs the GEMM described by <paramref name="g"/> on fp32 data with up to <paramref name="threads"/> threads.</summary>
    public void Gemm(in GemmDescriptor g, float* a, float* b, float* c, int threads)
    {
        if (RowVectorGemm.Supports(g))
        {
            RowVectorGemm.Run(g, a, b, c, threads);
        }
        else if (Blas is { } blas && g.M > 0 && g.N > 0 && g.K > 0)
        {
            var descriptor = g;
            blas.WithThreads(threads, () => blas.Gemm(descriptor, a, b, c));
        }
        else
        {
            SimdGemm.Run(g, a, b, c, threads);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which calls <see cref="GemmOnThisThread"/> from several threads at once, with the
    /// BLAS kept to one thread per call so that the caller's own parallelism does not oversubscribe the cores.
    /// </summary>
    internal void WithSingleThreadedGemm(Action body)
    {
        if (Blas is { } blas)
        {
            blas.WithThreads(1, body);
        }
        else
        {
            body();
        }
    }

    /// <summary>A GEMM for callers inside <see cref="WithSingleThreadedGemm"/>: it runs on the calling thread only.</summary>
    internal void GemmOnThisThread(in GemmDescriptor g, float* a, float* b, float* c)
    {
        // One row of C (decode attention: one query against the cache) costs less in the managed GEMV than a BLAS call.
        if (RowVectorGemm.Supports(g))
        {
            RowVectorGemm.Run(g, a, b, c, threads: 1);
        }
        else if (Blas is { } blas && g.M > 0 && g.N > 0 && g.K > 0)
        {
            blas.Gemm(g, a, b, c);
        }
        else
        {
            SimdGemm.Run(g, a, b, c, threads: 1);
        }
    }
}
