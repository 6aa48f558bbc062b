using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// <c>y = x·Wᵀ + beta·y</c> with W stored in a weight type (<see cref="ITensorOps.LinearWeights"/>). A few rows of x
/// (decode) stream W once, the cores splitting W's rows: Q8_0 and Q4_0 with int8 dot products against x quantized
/// per block (<see cref="QuantizedDot"/>, as llama.cpp does), fp32, fp16 and bf16 loaded (and widened) in registers
/// (<see cref="FloatDot"/>), Q4_K and Q6_K decoded a piece of a row at a time into L1 and dotted with every row of x.
/// Many rows (prefill) turn it into GEMM: each task decodes a tile of W's rows into an fp32 scratch that stays in L2
/// and multiplies it with the calling thread's GEMM, so prefill runs at GEMM speed whatever the weight type; fp32
/// weights go straight to the GEMM engine.
/// </summary>
internal static unsafe class WeightLinear
{
    // Up to this many rows of x the dot products reuse each decoded piece of W from L1; beyond, GEMM tiles win.
    private const int DotRows = 8;

    // Values of a row decoded at once: one Q4_K/Q6_K super-block or eight small blocks, 1 KiB of fp32.
    private const int Piece = 256;

    // W's rows per GEMM tile: 64 rows of K = 4096 fp32 values are 1 MiB, within a core's L2.
    private const int TileRows = 64;

    // Below this many weight values one core streams them faster than the thread pool starts.
    private const long ParallelValues = 1 << 18;

    public static void Run(CpuGemmEngine gemm, ParallelOptions parallel, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, float beta)
    {
        if (rows <= DotRows)
        {
            Decode(QuantizedDot.Handles(type) ? DotPaths.Int8 : DotPaths.Float, type, x, w, y, rows, outputs, inputs, beta, parallel.MaxDegreeOfParallelism);
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
    /// Decode: the cores split W's rows; Q8_0/Q4_0 rows go through <see cref="QuantizedDot"/> on
    /// <paramref name="path"/> (x quantized once here), fp32/fp16/bf16 through <see cref="FloatDot"/>, Q4_K/Q6_K through
    /// <see cref="Dots"/>.
    /// </summary>
    internal static void Decode(DotPath path, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, float beta, int threads)
    {
        var rowBytes = type.StorageBytes(inputs);
        var workers = (long)outputs * inputs < ParallelValues ? 1 : Math.Max(1, threads);
        using var quantized = QuantizedDot.Handles(type) ? new Int8Activations(x, rows, inputs) : null;
        nint px = (nint)x, pw = (nint)w, py = (nint)y;
        For(workers, part =>
        {
            int n0 = (int)((long)outputs * part / workers), n1 = (int)((long)outputs * (part + 1) / workers);
            var rowsOfW = (byte*)pw + (n0 * rowBytes);
            if (quantized is not null)
            {
                QuantizedDot.Rows(path, type, quantized, rowsOfW, (float*)py, rows, n0, n1, outputs, rowBytes, beta);
            }
            else if (FloatDot.Handles(type))
            {
                FloatDot.Rows(path, type, (float*)px, rowsOfW, (float*)py, rows, n0, n1, outputs, inputs, rowBytes, beta);
            }
            else
            {
                Dots(type, (float*)px, rowsOfW, (float*)py, rows, n0, n1, outputs, inputs, rowBytes, beta);
            }
        });
    }

    /// <summary>y[r, n] for n in [n0, n1): each row of W decoded piece by piece, each piece dotted with every row of x.</summary>
    // Compiled optimized at once: tiered compilation would run the first few dozen calls (a whole short decode for
    // rarely called shapes such as the LM head) as unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots(DataType type, float* x, byte* w, float* y, int rows, int n0, int n1, int outputs, int inputs, long rowBytes, float beta)
    {
        var piece = stackalloc float[Piece];
        var sums = stackalloc float[DotRows];
        var pieceBytes = type.StorageBytes(Math.Min(Piece, inputs));
        for (var n = n0; n < n1; n++, w += rowBytes)
        {
            if (Sse.IsSupported && n + 1 < n1)
            {
                // The next row's first lines: rows are contiguous, but each starts a new run for the prefetcher.
                Sse.Prefetch0(w + rowBytes);
                Sse.Prefetch0(w + rowBytes + 64);
            }

            new Span<float>(sums, rows).Clear();
            var source = w;
            for (var k = 0; k < inputs; k += Piece, source += pieceBytes)
            {
                var count = Math.Min(Piece, inputs - k);
                WeightDecoder.Decode(type, source, piece, count);
                var decoded = new ReadOnlySpan<float>(piece, count);
                for (var r = 0; r < rows; r++)
                {
                    sums[r] += TensorPrimitives.Dot(new ReadOnlySpan<float>(x + ((long)r * inputs) + k, count), decoded);
                }
            }

            for (var r = 0; r < rows; r++)
            {
                var target = y + ((long)r * outputs) + n;
                *target = beta == 0 ? sums[r] : sums[r] + (beta * *target);
            }
        }
    }

    private static void For(long workers, Action<int> body)
    {
        if (workers == 1)
        {
            body(0);
        }
        else
        {
            Parallel.For(0, (int)workers, body);
        }
    }
}
