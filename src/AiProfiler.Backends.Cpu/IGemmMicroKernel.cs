namespace AiProfiler.Backends.Cpu;

/// <summary>
/// A register-blocked GEMM micro-kernel: one <see cref="Mr"/>×<see cref="Nr"/> tile of C from a packed A panel
/// (kc steps of Mr values) and a packed B panel (kc steps of Nr values). Static members so that the blocked driver is
/// compiled once per kernel with the tile size as a constant.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of the C tile (values broadcast from the A panel per step).</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of the C tile (vectors loaded from the B panel per step).</summary>
    static abstract int Nr { get; }

    /// <summary>Whether this CPU runs the kernel's instructions natively.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>The kernel's label, e.g. <c>avx512-12x32</c>.</summary>
    static abstract string Name { get; }

    /// <summary>C[0..Mr, 0..Nr] = beta·C + A panel · B panel; beta 0 overwrites C (NaN included).</summary>
    static abstract void Run(int kc, float* pa, float* pb, float* c, long ldc, float beta);
}
