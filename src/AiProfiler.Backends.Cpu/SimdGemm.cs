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
    // Below this many FLOPs per product waking other threads costs more than the second core gives.
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
        if (k == 0 || g.Alpha == 0)
        {
            ScaleC(c, m, n, g.EffectiveLdC, g.Beta);
            return;
        }

        // Equal k-blocks (K = 1100 as 3×367, not 2×512 + 76): a short last block pays a tile's load and store of C for
        // little work. The B block keeps its share of L2 (Kc×Nc values) whatever the depth.
        var kc = EvenBlock(k, blocking.Kc, 1);
        var ncLimit = Math.Max(nr, (int)((long)blocking.Kc * blocking.Nc / kc) / nr * nr);
        int aPanels = Ceil(m, mr), bPanels = Ceil(n, nr);
        if (workers > 1 && aPanels >= 8 * workers)
        {
            // Rows split (at least 8 panels a part, so whole panels share out within an eighth): each part packs and
            // multiplies its own row panels, and all of them pack one shared B block (a share each) and meet at a
            // barrier once per block. Two B buffers alternate, so passing the barrier of one block also says that
            // every part has finished with the block before it.
            var panelsPerPart = Ceil(aPanels, workers);
            var mc = Math.Min(blocking.Mc, panelsPerPart * mr);
            var nc = EvenBlock(n, ncLimit, nr);
            var bBuffer = ArrayPool<float>.Shared.Rent(2 * ((kc * nc) + AlignFloats));
            try
            {
                fixed (float* rawB = bBuffer)
                {
                    using var barrier = new Barrier(workers);
                    var shared = new SharedB(Align(rawB), kc * nc, barrier, workers);
                    var rowBlocks = Ceil(panelsPerPart * mr, mc);
                    if (GemmTeam.TryRun(workers, part => Part<TKernel>(g, a, b, c, kc, nc, mc, Math.Min(m, aPanels * part / workers * mr), Math.Min(m, aPanels * (part + 1) / workers * mr), 0, n, rowBlocks, shared, part)))
                    {
                        return;
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(bBuffer);
            }
        }
        else if (workers > 1 && bPanels > 1)
        {
            // Few rows (a short prompt): the columns are split instead, evenly to a panel, and each part packs its own
            // copy of the small A; no part waits for another.
            var parts = Math.Min(workers, bPanels);
            var mc = Math.Min(blocking.Mc, aPanels * mr);
            if (GemmTeam.TryRun(parts, part =>
            {
                int c0 = bPanels * part / parts * nr, c1 = Math.Min(n, bPanels * (part + 1) / parts * nr);
                Part<TKernel>(g, a, b, c, kc, EvenBlock(c1 - c0, ncLimit, nr), mc, 0, m, c0, c1, Ceil(m, mc), null, part);
            }))
            {
                return;
            }
        }

        // One thread, or another GEMM holds the team: all of it here.
        var mcOne = Math.Min(blocking.Mc, aPanels * mr);
        Part<TKernel>(g, a, b, c, kc, EvenBlock(n, ncLimit, nr), mcOne, 0, m, 0, n, Ceil(m, mcOne), null, 0);
    }

    /// <summary>
    /// C[r0..r1, c0..c1] by the BLIS loop nest: row blocks of mc, k-blocks of kc, column blocks of nc; per block a
    /// row panel of A stays in L1 while the B panels of the block stream past it from L2. With <paramref name="shared"/>
    /// this part packs only its share of each B block, and every part runs <paramref name="rowBlocks"/> row blocks
    /// (empty ones included) so that all meet at the same barriers.
    /// </summary>
    private static void Part<TKernel>(GemmDescriptor g, float* a, float* b, float* c, int kc, int nc, int mc, int r0, int r1, int c0, int c1, int rowBlocks, SharedB? shared, int part)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        long ldc = g.EffectiveLdC;
        var aBuffer = ArrayPool<float>.Shared.Rent((mc * kc) + AlignFloats);
        var bBuffer = shared is null ? ArrayPool<float>.Shared.Rent((kc * nc) + AlignFloats) : null;
        try
        {
            fixed (float* rawA = aBuffer, rawB = bBuffer)
            {
                var blockA = Align(rawA);
                var step = 0;
                for (var block = 0; block < rowBlocks; block++)
                {
                    var i0 = r0 + (block * mc);
                    var rows = Math.Max(0, Math.Min(mc, r1 - i0));
                    for (var p0 = 0; p0 < g.K; p0 += kc)
                    {
                        var depth = Math.Min(kc, g.K - p0);
                        var beta = p0 == 0 ? g.Beta : 1f;
                        for (var j0 = c0; j0 < c1; j0 += nc)
                        {
                            var cols = Math.Min(nc, c1 - j0);
                            var bPanels = Ceil(cols, nr);
                            float* blockB;
                            if (shared is null)
                            {
                                blockB = Align(rawB);
                                PackB(g, b, blockB, nr, j0, cols, 0, bPanels, p0, depth);
                            }
                            else
                            {
                                blockB = shared.Buffer(step);
                                PackB(g, b, blockB, nr, j0, cols, bPanels * part / shared.Parts, bPanels * (part + 1) / shared.Parts, p0, depth);
                                shared.Barrier.SignalAndWait();
                            }

                            step++;
                            for (var panel = 0; panel * mr < rows; panel++)
                            {
                                var row = i0 + (panel * mr);
                                var height = Math.Min(mr, r1 - row);
                                var pa = blockA + (panel * mr * depth);
                                if (j0 == c0)
                                {
                                    GemmPacking.PackA(g, a, pa, mr, row, height, p0, depth);
                                }

                                for (var jp = 0; jp < bPanels; jp++)
                                {
                                    var col = j0 + (jp * nr);
                                    Tile<TKernel>(depth, pa, blockB + (jp * nr * depth), c + (row * ldc) + col, ldc, height, Math.Min(nr, c1 - col), beta);
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aBuffer);
            if (bBuffer is not null)
            {
                ArrayPool<float>.Shared.Return(bBuffer);
            }
        }
    }

    /// <summary>Packs B panels [first, last) of the block at columns j0..j0+cols.</summary>
    private static void PackB(in GemmDescriptor g, float* b, float* blockB, int nr, int j0, int cols, int first, int last, int p0, int depth)
    {
        GemmPacking.PackBPanels(g, b, blockB, nr, j0, cols, first, last, p0, depth);
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


    /// <summary>Splits <paramref name="total"/> into equal blocks of at most <paramref name="limit"/>, rounded up to <paramref name="multiple"/>.</summary>
    private static int EvenBlock(int total, int limit, int multiple)
    {
        var blocks = Ceil(total, Math.Max(multiple, limit));
        return Math.Max(multiple, RoundUp(Ceil(total, blocks), multiple));
    }

    private static float* Align(float* p) => (float*)(((nint)p + (AlignFloats * sizeof(float)) - 1) & ~(nint)((AlignFloats * sizeof(float)) - 1));

    private static int Ceil(int value, int divisor) => (value + divisor - 1) / divisor;

    private static int RoundUp(int value, int multiple) => Ceil(value, multiple) * multiple;

    /// <summary>The B block the parts of a row-split GEMM pack together: two alternating buffers and their barrier.</summary>
    private sealed class SharedB(float* buffers, int blockFloats, Barrier barrier, int parts)
    {
        public Barrier Barrier => barrier;

        public int Parts => parts;

        public float* Buffer(int step) => buffers + ((step & 1) * RoundUp(blockFloats, AlignFloats));
    }
}
