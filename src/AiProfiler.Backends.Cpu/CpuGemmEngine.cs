using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Chooses the CPU's fp32 GEMM: OpenBLAS (<c>libopenblas.so.0</c>) when it loads, else the managed SIMD kernel.
/// Both take the contract's row-major <see cref="GemmDescriptor"/> over raw pointers.
/// </summary>
public sealed unsafe class CpuGemmEngine
{
    private readonly OpenBlas? _openBlas;

    private CpuGemmEngine(OpenBlas? openBlas) => _openBlas = openBlas;

    /// <summary><c>openblas</c> or <c>simd</c>.</summary>
    public string Name => _openBlas is null ? "simd" : "openblas";

    /// <summary>
    /// Creates the engine for <paramref name="preference"/>: <c>auto</c> (OpenBLAS if present), <c>simd</c>, or
    /// <c>openblas</c> (fails with the reason when the library is missing).
    /// </summary>
    public static CpuGemmEngine Create(string preference) => preference switch
    {
        "simd" => new CpuGemmEngine(null),
        "auto" => new CpuGemmEngine(OpenBlas.TryLoad(out _)),
        "openblas" => new CpuGemmEngine(OpenBlas.TryLoad(out var reason) ?? throw new InvalidOperationException($"CPU GEMM 'openblas' is unavailable: {reason}; install libopenblas0 or use 'simd'")),
        _ => throw new ArgumentException($"unknown CPU GEMM '{preference}'; use auto, simd or openblas", nameof(preference)),
    };

    /// <summary>Runs the GEMM described by <paramref name="g"/> on fp32 data.</summary>
    public void Gemm(in GemmDescriptor g, float* a, float* b, float* c)
    {
        if (RowVectorGemm.Supports(g))
        {
            RowVectorGemm.Run(g, a, b, c);
        }
        else if (_openBlas is not null && g.M > 0 && g.N > 0 && g.K > 0)
        {
            _openBlas.Gemm(g, a, b, c);
        }
        else
        {
            SimdGemm.Run(g, a, b, c);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which calls <see cref="GemmOnThisThread"/> from several threads at once, with the
    /// BLAS kept to one thread per call so that the caller's own parallelism does not oversubscribe the cores.
    /// </summary>
    internal void WithSingleThreadedGemm(Action body)
    {
        if (_openBlas is null)
        {
            body();
        }
        else
        {
            _openBlas.SingleThreaded(body);
        }
    }

    /// <summary>A GEMM for callers inside <see cref="WithSingleThreadedGemm"/>: it runs on the calling thread only.</summary>
    internal void GemmOnThisThread(in GemmDescriptor g, float* a, float* b, float* c)
    {
        // One row of C (decode attention: one query against the cache) costs less in the managed GEMV than a BLAS call.
        if (RowVectorGemm.Supports(g))
        {
            RowVectorGemm.Run(g, a, b, c, serial: true);
        }
        else if (_openBlas is not null && g.M > 0 && g.N > 0 && g.K > 0)
        {
            _openBlas.Gemm(g, a, b, c);
        }
        else
        {
            SimdGemm.Run(g, a, b, c, serial: true);
        }
    }
}
