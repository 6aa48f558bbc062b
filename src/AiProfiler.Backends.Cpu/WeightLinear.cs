using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// <c>y = x·Wᵀ + beta·y</c> with W stored in a weight type (<see cref="ITensorOps.LinearWeights"/>). A few rows of x
/// (decode; up to <see cref="DotRows"/>, <see cref="FloatDotRows"/> for float weights) stream W once, the cores splitting
/// W's rows, every row of x through the one-row kernels (several rows meet W in chunks that stay in L2): Q8_0, Q4_0, Q4_K and Q6_K with int8 dot products against x
/// quantized per block (<see cref="QuantizedDot"/>, <see cref="KQuantDot"/>, as llama.cpp does), fp32, fp16 and bf16
/// loaded (and widened) in registers (<see cref="FloatDot"/>).
/// Many rows (prefill) turn it into GEMM: Q8_0, Q4_0, Q4_K and Q6_K into an int8 GEMM on x quantized per block
/// (<see cref="QuantizedGemm"/>); for fp16 and bf16 each task decodes a tile of W's rows into an fp32 scratch that
/// stays in L2 and multiplies it with the calling thread's GEMM, so prefill runs at GEMM speed whatever the weight
/// type; fp32 weights go straight to the GEMM engine.
/// </summary>
internal static unsafe class WeightLinear
{
    /// <summary>
    /// Up to this many rows of x against int8-quantized weights the dot products (<see cref="Decode"/>) run; beyond,
    /// the int8 GEMM wins (Q4_0, one core: 86 ms per decode step at 8 rows, 96 through the GEMM at 9, 121 at 16).
    /// </summary>
    internal const int DotRows = 8;

    /// <summary>
    /// The same for fp32, fp16 and bf16 weights, whose GEMM path packs or widens all of W per call: on one Zen 5 core,
    /// the 0.86 G-parameter model, a decode step at 16 rows took 332 ms (fp16) and 562 (fp32) through the dot products
    /// against 782 and 1281 through the GEMM; a 32-token prefill ran at 52.1 and 34.7 tokens/s against 36.9 and 25.6,
    /// 64 tokens at 53.3 and 37.6 against 56.3 and 41.5, and 96 at 53.4 and 29.3 against 71.9 and 55.1. Since the
    /// rows of x go through the dot products two at a time (<see cref="FloatDot.RowsPairedTwo"/>, W widened once for
    /// both): 64 tokens at 81.8 and 53.2 against 57.1 and 40.4, 96 at 77.6 and 56.6 against 69.9 and 55.8 (two cores
    /// 137.0 and 102.7 against 109.8 and 93.4), 128 at 78.0 and 54.6–56.7 against 75.8–77.0 and 57.7–59.6. This is the
    /// AVX-512 path's limit; the others keep <see cref="FloatDotRows256"/>.
    /// </summary>
    internal const int FloatDotRows = 96;

    /// <summary>
    /// <see cref="FloatDotRows"/> without AVX-512 (the same Zen 5 core with it turned off, 256-bit kernels on both sides,
    /// the two-row form included): a 32-token prefill ran at 46.3 (fp16) and 44.0 (fp32) tokens/s through the dot
    /// products against 38.6 and 42.4 through the GEMM, 48 tokens at 47.8 and 46.6 against 47.7 and 47.8, 64 at 45.1 and
    /// 45.8 against 49.3 and 48.6, 96 at 47.2 and 47.6 against 52.8 and 52.7.
    /// </summary>
    internal const int FloatDotRows256 = 48;

    /// <summary>
    /// <see cref="DotRows"/> for Q4_K and Q6_K on the AVX-512 path (Q4_K with VBMI, whose four-row kernel has its own
    /// two-row form; the one-row kernel's two-row form, for AVX-512 without VBMI, is not measured against the GEMM): a decode step of the Q4_K_M llama-bench model on one Zen 5 core at batch 10 took 101–133 ms through them
    /// against 178–183 through the int8 GEMM, at 12 139–143 against 151–168, at 16 182–190 against 195–209; a 12-token
    /// prefill 110 against 137 ms. Q4_0 and Q8_0 keep 8: at 12 rows their GEMM was faster (Q4_0 118 against 140 ms,
    /// Q8_0 129 against 233). The 256-bit k-quant two-row forms keep 8: with AVX-512 turned off the int8 GEMM was faster at
    /// 12 rows (177–187 against 191–225 ms) and 16 (191–243 against 243–251).
    /// </summary>
    internal const int KQuantDotRows = 16;

    /// <summary>
    /// <see cref="DotRows"/> for Q8_0 (whose dot products are 256-bit on every path) and for Q4_0 without AVX-512 (whose
    /// 256-bit kernel has no two-row form): the int8 GEMM wins sooner. Decode steps of the llama-bench models on one
    /// pinned Zen 5 core, alternating builds, dot products against the GEMM (2026-12-06 05:10–05:30 UTC, a noisy host):
    /// Q8_0 at 6 rows 154–172 ms against 101–133, at 8 132–147 against 114; with AVX-512 turned off Q8_0 at 5 rows 92–96
    /// against 105–106, at 6 116–117 against 113–122, at 7 139 against 114–123, at 8 226 against 157; Q4_0 at 5 rows
    /// 78–80 against 84–87, at 6 91–96 (one 167) against 85–90, at 8 124–139 against 98–108. Q4_0 with AVX-512 keeps 8
    /// (at 6 rows 59–64 against 83–84, at 8 76 against 86–107).
    /// </summary>
    internal const int Int8DotRows256 = 5;

    /// <summary>Up to how many rows of x <see cref="Run"/> takes the dot products for weights of <paramref name="type"/>.</summary>
    internal static int DotRowsFor(DataType type) =>
        FloatDot.Handles(type) ? (DotPaths.Float == DotPath.Avx512 ? FloatDotRows : FloatDotRows256)
        : KQuantDot.Handles(type) && KQuantDot.Path(type) == DotPath.Avx512 && (type == DataType.Q6_K || KQuantDot.HeadsKernel) ? KQuantDotRows
        : QuantizedDot.Handles(type) && QuantizedDot.Path(type) != DotPath.Avx512 ? Int8DotRows256
        : DotRows;

    // W's rows per GEMM tile: 64 rows of K = 4096 fp32 values are 1 MiB, within a core's L2.
    private const int TileRows = 64;

    // Below this many weight values one core streams them faster than the thread pool starts.
    private const long ParallelValues = 1 << 18;

    /// <summary>
    /// y = x·Wᵀ + beta·y. <paramref name="finiteHalves"/>: W is fp16 and known to hold no infinity or NaN
    /// (<see cref="CpuBuffer.HoldsOnlyFiniteHalves"/>), which lets decode skip the check (<see cref="FloatDot"/>).
    /// </summary>
    public static void Run(CpuGemmEngine gemm, ParallelOptions parallel, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, float beta, bool finiteHalves = false)
    {
        if (rows <= DotRowsFor(type))
        {
            Decode(FloatDot.Handles(type) ? DotPaths.Float : KQuantDot.Handles(type) ? KQuantDot.Path(type) : QuantizedDot.Path(type), type, x, w, y, rows, outputs, inputs, beta, parallel.MaxDegreeOfParallelism, finiteHalves);
            return;
        }

        if (QuantizedGemm.Handles(type))
        {
            QuantizedGemm.Run(QuantizedGemm.Path, parallel, type, x, w, y, rows, outputs, inputs, beta);
            return;
        }

        if (type == DataType.Float32)
        {
            gemm.Gemm(new GemmDescriptor { M = rows, N = outputs, K = inputs, TransposeB = true, Beta = beta }, x, (float*)w, y, parallel.MaxDegreeOfParallelism);
            return;
        }

        var rowBytes = type.StorageBytes(inputs);
        Tiles(gemm, parallel, type, x, w, y, rows, outputs, inputs, rowBytes, beta);
    }

    private static void Tiles(CpuGemmEngine gemm, ParallelOptions parallel, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, long rowBytes, float beta)
    {
        var tiles = (outputs + TileRows - 1) / TileRows;
        nint ax = (nint)x, aw = (nint)w, ay = (nint)y;
        gemm.WithSingleThreadedGemm(() => Parallel.For(0, tiles, parallel,
            () => (nint)NativeMemory.AlignedAlloc((nuint)((long)TileRows * inputs * sizeof(float)), 64),
            (tile, _, scratch) =>
            {
                var n0 = tile * TileRows;
                var count = Math.Min(TileRows, outputs - n0);
                for (var n = 0; n < count; n++)
                {
                    WeightDecoder.Decode(type, (byte*)aw + ((n0 + n) * rowBytes), (float*)scratch + ((long)n * inputs), inputs);
                }

                gemm.GemmOnThisThread(
                    new GemmDescriptor { M = rows, N = count, K = inputs, TransposeB = true, Beta = beta, LdC = outputs },
                    (float*)ax, (float*)scratch, (float*)ay + n0);
                return scratch;
            },
            scratch => NativeMemory.AlignedFree((void*)scratch)));
    }

    /// <summary>
    /// Decode: the cores split W's rows; Q8_0/Q4_0 rows go through <see cref="QuantizedDot"/> and Q4_K/Q6_K through
    /// <see cref="KQuantDot"/> on <paramref name="path"/> (x quantized once here), fp32/fp16/bf16 through
    /// <see cref="FloatDot"/>. With several rows of x each core takes its share of W in chunks of about
    /// <paramref name="chunkBytes"/> and runs every row of x over a chunk before the next, through the one-row kernels:
    /// W comes from DRAM once, the later rows read it from L2, and each row keeps the one-row path's four streams and
    /// x-side preparation. Where a type has a two-row form of its four-stream kernel (Q4_K, Q6_K and Q4_0 with AVX-512;
    /// Q4_K, Q6_K and Q8_0 with AVX2 or AVX-VNNI; fp32, fp16 and bf16 with AVX-512 or AVX2) the rows of x go through it in pairs, each step of
    /// W loaded, unpacked or widened once for both; an odd last row takes the one-row kernel. The multi-row loops before this (each block of W unpacked once, then dotted with every row,
    /// the rows' accumulators in L1) ran on one stream with a store-to-load chain per block and row: decode steps at
    /// batch 2 took 4–8 times batch 1's (Q4_0, one core: 13.0 ms at batch 1, 103.5 at 2, 267.5 at 8; see the README).
    /// </summary>
    internal static void Decode(DotPath path, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, float beta, int threads, bool finiteHalves = false, int chunkBytes = ChunkBytes)
    {
        var rowBytes = type.StorageBytes(inputs);
        var workers = (long)outputs * inputs < ParallelValues ? 1 : Math.Max(1, threads);
        var kQuant = KQuantDot.Handles(type);
        // x's rows quantized one by one (the blocks are the same as quantizing them together), so that each row goes
        // through the one-row kernels with their x-side preparation.
        var quantized = QuantizedDot.Handles(type) || kQuant ? new Int8Activations[rows] : null;
        var unscale = 1f;
        var paired = quantized is null ? FloatDot.PairFor(path, type, x, rows, inputs, out unscale) : null;
        nint pairOrdered = 0;
        try
        {
            for (var r = 0; quantized is not null && r < rows; r++)
            {
                quantized[r] = new Int8Activations(x + ((long)r * inputs), 1, inputs, kQuant ? Int8Activations.SuperBlock : Int8Activations.Block);
                if (type == DataType.Q4_0 && path == DotPath.Avx512)
                {
                    quantized[r].PrepareQ4Steps();
                }
                else if (type == DataType.Q4_0 && path is DotPath.AvxVnni or DotPath.Avx2)
                {
                    quantized[r].PreparePairs();
                }
            }

            // Rows of x two at a time where a kernel takes them so (W's codes unpacked once for both): their values
            // pair-ordered once per call.
            var twoRows = rows > 1 && (kQuant ? KQuantDot.HasTwoRowKernel(path, type) : quantized is not null && QuantizedDot.HasTwoRowKernel(path, type));
            if (twoRows && type == DataType.Q4_K && path == DotPath.Avx512 && KQuantDot.HeadsKernel)
            {
                pairOrdered = (nint)NativeMemory.AlignedAlloc((nuint)((long)rows * inputs), 64);
                for (var r = 0; r < rows; r++)
                {
                    KQuantDot.PairOrder(quantized![r].Values, (sbyte*)pairOrdered + ((long)r * inputs), inputs);
                }
            }

            nint px = (nint)x, pw = (nint)w, py = (nint)y, pp = (nint)paired;
            var chunk = rows == 1 ? outputs : (int)Math.Max(4, chunkBytes / rowBytes / 4 * 4);
            For(workers, part =>
            {
                int n0 = (int)((long)outputs * part / workers), n1 = (int)((long)outputs * (part + 1) / workers);
                // More than one row of x: W's rows in chunks that stay in L2, each chunk met by every row of x in turn
                // through the one-row kernels (four streams, prefetch), so W comes from DRAM once and the later rows
                // read it from L2.
                for (var c0 = n0; c0 < n1; c0 += chunk)
                {
                    var c1 = Math.Min(n1, c0 + chunk);
                    var rowsOfW = (byte*)pw + (c0 * rowBytes);
                    var r = 0;
                    for (; twoRows && r + 2 <= rows; r += 2)
                    {
                        var y0 = (float*)py + ((long)r * outputs);
                        if (kQuant)
                        {
                            var xa = pairOrdered == 0 ? null : (sbyte*)pairOrdered + ((long)r * inputs);
                            KQuantDot.RowsTwo(path, type, quantized![r], quantized[r + 1], xa, xa == null ? null : xa + inputs, rowsOfW, y0, y0 + outputs, c0, c1, outputs, rowBytes, beta);
                        }
                        else
                        {
                            QuantizedDot.RowsTwo(path, type, quantized![r], quantized[r + 1], rowsOfW, y0, y0 + outputs, c0, c1, outputs, rowBytes, beta);
                        }
                    }

                    for (; quantized is null && r + 2 <= rows; r += 2)
                    {
                        var x0 = (float*)px + ((long)r * inputs);
                        var p0 = pp == 0 ? null : (float*)pp + ((long)r * inputs);
                        FloatDot.RowsPairedTwo(path, type, x0, x0 + inputs, p0, p0 == null ? null : p0 + inputs, rowsOfW, (float*)py + ((long)r * outputs), (float*)py + ((long)(r + 1) * outputs), c0, c1, outputs, inputs, rowBytes, beta, unscale, finiteHalves);
                    }

                    for (; r < rows; r++)
                    {
                        var yRow = (float*)py + ((long)r * outputs);
                        if (kQuant)
                        {
                            KQuantDot.Rows(path, type, quantized![r], rowsOfW, yRow, 1, c0, c1, outputs, rowBytes, beta);
                        }
                        else if (quantized is not null)
                        {
                            QuantizedDot.Rows(path, type, quantized[r], rowsOfW, yRow, 1, c0, c1, outputs, rowBytes, beta);
                        }
                        else
                        {
                            var xRow = (float*)px + ((long)r * inputs);
                            FloatDot.RowsPaired(path, type, xRow, pp == 0 ? null : (float*)pp + ((long)r * inputs), rowsOfW, yRow, 1, c0, c1, outputs, inputs, rowBytes, beta, unscale, finiteHalves);
                        }
                    }
                }
            });
        }
        finally
        {
            NativeMemory.AlignedFree(paired);
            NativeMemory.AlignedFree((void*)pairOrdered);
            foreach (var q in quantized ?? [])
            {
                q?.Dispose();
            }
        }
    }

    /// <summary>
    /// Bytes of W each row of x meets in turn when there are several (<see cref="Decode"/>, whole four-row steps of it,
    /// at least one): within the smallest L2 of current x86 cores (256 KiB), with room for x. Measured on Zen 5, one
    /// core, Q4_0 decode of the 0.86 G-parameter model at batch 2 and 8 (TPOT, ms): 32 KiB 34.7 / 106.5, 64 KiB
    /// 34.7 / 102.3, 128 KiB 28.6 / 89.9, 256 KiB 28.2 / 84.3, 512 KiB 30.3 / 126.0.
    /// </summary>
    internal const int ChunkBytes = 128 << 10;

    private static void For(long workers, Action<int> body)
    {
        if (workers == 1)
        {
            body(0);
        }
        else if (!GemmTeam.TryRun((int)workers, body))
        {
            Parallel.For(0, (int)workers, body);
        }
    }
}
