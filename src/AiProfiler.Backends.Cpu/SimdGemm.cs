using System.Buffers;
using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The CPU's own fp32 GEMM: the BLIS loop nest with blocks sized from the CPU's caches (<see cref="GemmBlocking"/>),
/// op(A) packed in Mr-row panels (alpha applied) and op(B) in Nr-column panels, both zero-padded, so one register-blocked
/// micro-kernel (AVX-512 12×32, AVX2 6×16, or 128-bit 4×8) runs every tile; packing absorbs transposes and leading
/// dimensions. Beta is applied by the first k-block's tile stores, so C is read once, and beta 0 overwrites it.
/// </summary>
internal static unsafe class SimdGemm
{
    // Below this many FLOPs per product the thread pool costs more than the second core gives.
    private const long ParallelFlops = 1L << 22;

    // Packed blocks are 64-byte aligned so each vector load of B touches one cache line.
    private const int AlignFloats = 16;

    /// <summary>The micro-kernel this CPU runs, e.g. <c>avx512-12x32</c>.</summary>
    public static string KernelName =>
        Avx512MicroKernel.IsSupported ? Avx512MicroKernel.Name
        : Avx2MicroKernel.IsSupported ? Avx2MicroKernel.Name
        : PortableMicroKernel.Name;

    /// <summary>Runs the GEMM on at most <paramref name="threads"/> threads (1 keeps it on the calling thread).</summary>
    public static void Run(in GemmDescriptor g, float* a, float* b, float* c, int threads)
    {
        if (Avx512MicroKernel.IsSupported)
        {
            Run<Avx512MicroKernel>(g, a, b, c, threads);
        }
        else if (Avx2MicroKernel.IsSupported)
        {
            Run<Avx2MicroKernel>(g, a, b, c, threads);
        }
        else
        {
            Run<PortableMicroKernel>(g, a, b, c, threads);
        }
    }

    /// <summary>
    /// Runs the GEMM with a given micro-kernel and, for tests that reach every loop with small shapes, given blocks
    /// (null: sized from this CPU's caches).
    /// </summary>
    internal static void Run<TKernel>(GemmDescriptor g, float* a, float* b, float* c, int threads, GemmBlocking? blocking = null)
        where TKernel : struct, IGemmMicroKernel
    {
        var blocks = blocking ?? GemmBlocking.For(TKernel.Mr, TKernel.Nr, CpuCaches.Current);
        if (g.M == 0 || g.N == 0)
        {
            return;
        }

        var flops = 2L * g.M * g.N * g.K;
        var workers = flops < ParallelFlops ? 1 : Math.Max(1, threads);
        if (g.BatchCount > 1 && workers > 1 && flops < 8 * ParallelFlops)
        {
            // Many small products (attention heads): one per core beats splitting each one.
            nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
            Parallel.For(0, g.BatchCount, new ParallelOptions { MaxDegreeOfParallelism = workers }, batch =>
                RunOne<TKernel>(g, (float*)pa + g.OffsetA + (batch * g.StrideA), (float*)pb + g.OffsetB + (batch * g.StrideB), (float*)pc + g.OffsetC + (batch * g.StrideC), 1, blocks));
            return;
        }

        for (var batch = 0; batch < g.BatchCount; batch++)
        {
            RunOne<TKernel>(g, a + g.OffsetA + (batch * g.StrideA), b + g.OffsetB + (batch * g.StrideB), c + g.OffsetC + (batch * g.StrideC), workers, blocks);
        }
    }

    private static void RunOne<TKernel>(GemmDescriptor g, float* a, float* b, float* c, int workers, GemmBlocking blocking)
        where TKernel : struct, IGemmMicroKernel
    {
        int m = g.M, n = g.N, k = g.K, mr = TKernel.Mr, nr = TKernel.Nr;
        long ldc = g.EffectiveLdC;
        if (k == 0 || g.Alpha == 0)
        {
            ScaleC(c, m, n, ldc, g.Beta);
            return;
        }

        var kc = Math.Min(blocking.Kc, k);
        var mc = Math.Min(blocking.Mc, RoundUp(m, mr));
        var nc = Math.Min(blocking.Nc, RoundUp(n, nr));
        var packedA = ArrayPool<float>.Shared.Rent((mc * kc) + AlignFloats);
        var packedB = ArrayPool<float>.Shared.Rent((kc * nc) + AlignFloats);
        try
        {
            fixed (float* rawA = packedA, rawB = packedB)
            {
                float* blockA = Align(rawA), blockB = Align(rawB);
                var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
                for (var i0 = 0; i0 < m; i0 += mc)
                {
                    var rows = Math.Min(mc, m - i0);
                    var aPanels = (rows + mr - 1) / mr;
                    for (var p0 = 0; p0 < k; p0 += kc)
                    {
                        var depth = Math.Min(kc, k - p0);
                        var beta = p0 == 0 ? g.Beta : 1f;
                        // Few row panels (a short prompt) leave cores idle, so their columns are split as well; then the
                        // A panels are packed in a phase of their own, else by the task that first uses each one.
                        var bGroups = Math.Max(1, Math.Min((nc + nr - 1) / nr, (4 * workers) / aPanels));
                        if (bGroups > 1)
                        {
                            Phase(workers, aPanels, options, panel => PackA(g, a, blockA + (panel * mr * depth), mr, i0 + (panel * mr), Math.Min(mr, rows - (panel * mr)), p0, depth));
                        }

                        for (var j0 = 0; j0 < n; j0 += nc)
                        {
                            var cols = Math.Min(nc, n - j0);
                            var bPanels = (cols + nr - 1) / nr;
                            var packA = bGroups == 1 && j0 == 0;
                            Phase(workers, bPanels, options, panel => PackB(g, b, blockB + (panel * nr * depth), nr, j0 + (panel * nr), Math.Min(nr, cols - (panel * nr)), p0, depth));
                            Phase(workers, aPanels * bGroups, options, task =>
                            {
                                var panel = task / bGroups;
                                var group = task % bGroups;
                                var row = i0 + (panel * mr);
                                var height = Math.Min(mr, m - row);
                                var pa = blockA + (panel * mr * depth);
                                if (packA)
                                {
                                    PackA(g, a, pa, mr, row, height, p0, depth);
                                }

                                for (var jp = bPanels * group / bGroups; jp < bPanels * (group + 1) / bGroups; jp++)
                                {
                                    var col = j0 + (jp * nr);
                                    Tile<TKernel>(depth, pa, blockB + (jp * nr * depth), c + (row * ldc) + col, ldc, height, Math.Min(nr, n - col), beta);
                                }
                            });
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedA);
            ArrayPool<float>.Shared.Return(packedB);
        }
    }

    private static void Tile<TKernel>(int kc, float* pa, float* pb, float* c, long ldc, int rows, int cols, float beta)
        where TKernel : struct, IGemmMicroKernel
    {
        if (rows == TKernel.Mr && cols == TKernel.Nr)
        {
            TKernel.Run(kc, pa, pb, c, ldc, beta);
            return;
        }

        // A ragged edge: the full tile goes to the stack, and only its valid part reaches C.
        var tile = stackalloc float[TKernel.Mr * TKernel.Nr];
        TKernel.Run(kc, pa, pb, tile, TKernel.Nr, 0);
        for (var r = 0; r < rows; r++)
        {
            var row = c + (r * ldc);
            var source = tile + (r * TKernel.Nr);
            for (var j = 0; j < cols; j++)
            {
                row[j] = beta == 0 ? source[j] : (beta * row[j]) + source[j];
            }
        }
    }

    /// <summary>Runs <paramref name="count"/> independent pieces of one phase, on the pool when there are workers to share them.</summary>
    private static void Phase(int workers, int count, ParallelOptions options, Action<int> body)
    {
        if (workers == 1 || count == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }
        }
        else
        {
            Parallel.For(0, count, options, body);
        }
    }

    /// <summary>Packs op(A)[i0..i0+rows, p0..p0+kc] × alpha into one panel: k-major, mr values per step, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in GemmDescriptor g, float* a, float* dst, int mr, int i0, int rows, int p0, int kc)
    {
        var lda = (long)g.EffectiveLdA;
        var alpha = g.Alpha;
        if (rows < mr)
        {
            new Span<float>(dst, mr * kc).Clear();
        }

        if (g.TransposeA)
        {
            // A is stored K×M: each step's mr values are contiguous.
            for (var p = 0; p < kc; p++)
            {
                var source = a + ((p0 + p) * lda) + i0;
                var o = dst + (p * mr);
                for (var r = 0; r < rows; r++)
                {
                    o[r] = alpha * source[r];
                }
            }

            return;
        }

        for (var r = 0; r < rows; r++)
        {
            var source = a + ((i0 + r) * lda) + p0;
            var o = dst + r;
            for (var p = 0; p < kc; p++)
            {
                o[p * mr] = alpha * source[p];
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+cols] into one panel: k-major, nr values per step, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in GemmDescriptor g, float* b, float* dst, int nr, int j0, int cols, int p0, int kc)
    {
        var ldb = (long)g.EffectiveLdB;
        if (cols < nr)
        {
            new Span<float>(dst, nr * kc).Clear();
        }

        if (g.TransposeB)
        {
            // B is stored N×K: each column of op(B) is a contiguous row.
            for (var j = 0; j < cols; j++)
            {
                var source = b + ((j0 + j) * ldb) + p0;
                var o = dst + j;
                for (var p = 0; p < kc; p++)
                {
                    o[p * nr] = source[p];
                }
            }

            return;
        }

        for (var p = 0; p < kc; p++)
        {
            new ReadOnlySpan<float>(b + ((p0 + p) * ldb) + j0, cols).CopyTo(new Span<float>(dst + (p * nr), cols));
        }
    }

    private static void ScaleC(float* c, int m, int n, long ldc, float beta)
    {
        for (var i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (i * ldc), n);
            if (beta == 0)
            {
                row.Clear();
            }
            else if (beta != 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    private static float* Align(float* p) => (float*)(((nint)p + (AlignFloats * sizeof(float)) - 1) & ~(nint)((AlignFloats * sizeof(float)) - 1));

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
