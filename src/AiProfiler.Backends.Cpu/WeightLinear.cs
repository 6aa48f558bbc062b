using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// <c>y = x·Wᵀ + beta·y</c> with W stored in a weight type (<see cref="ITensorOps.LinearWeights"/>). A few rows of x
/// (decode) stream W once, the cores splitting W's rows: Q8_0, Q4_0, Q4_K and Q6_K with int8 dot products against x
/// quantized per block (<see cref="QuantizedDot"/>, <see cref="KQuantDot"/>, as llama.cpp does), fp32, fp16 and bf16
/// loaded (and widened) in registers (<see cref="FloatDot"/>).
/// Many rows (prefill) turn it into GEMM: Q8_0, Q4_0, Q4_K and Q6_K into an int8 GEMM on x quantized per block
/// (<see cref="QuantizedGemm"/>); for fp16 and bf16 each task decodes a tile of W's rows into an fp32 scratch that
/// stays in L2 and multiplies it with the calling thread's GEMM, so prefill runs at GEMM speed whatever the weight
/// type; fp32 weights go straight to the GEMM engine.
/// </summary>
internal static unsafe class WeightLinear
{
    /// <summary>Up to this many rows of x the dot products reuse each piece of W from L1; beyond, GEMM tiles win.</summary>
    internal const int DotRows = 8;

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
        if (rows <= DotRows)
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
    /// <see cref="FloatDot"/>.
    /// </summary>
    internal static void Decode(DotPath path, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, float beta, int threads, bool finiteHalves = false)
    {
        var rowBytes = type.StorageBytes(inputs);
        var workers = (long)outputs * inputs < ParallelValues ? 1 : Math.Max(1, threads);
        var kQuant = KQuantDot.Handles(type);
        using var quantized = QuantizedDot.Handles(type) || kQuant ? new Int8Activations(x, rows, inputs, kQuant ? Int8Activations.SuperBlock : Int8Activations.Block) : null;
        if (type == DataType.Q4_0 && path == DotPath.Avx512)
        {
            quantized!.PrepareQ4Steps();
        }
        else if (type == DataType.Q4_0 && path is DotPath.AvxVnni or DotPath.Avx2)
        {
            quantized!.PreparePairs();
        }

        nint px = (nint)x, pw = (nint)w, py = (nint)y;
        For(workers, part =>
        {
            int n0 = (int)((long)outputs * part / workers), n1 = (int)((long)outputs * (part + 1) / workers);
            var rowsOfW = (byte*)pw + (n0 * rowBytes);
            if (kQuant)
            {
                KQuantDot.Rows(path, type, quantized!, rowsOfW, (float*)py, rows, n0, n1, outputs, rowBytes, beta);
            }
            else if (quantized is not null)
            {
                QuantizedDot.Rows(path, type, quantized, rowsOfW, (float*)py, rows, n0, n1, outputs, rowBytes, beta);
            }
            else
            {
                FloatDot.Rows(path, type, (float*)px, rowsOfW, (float*)py, rows, n0, n1, outputs, inputs, rowBytes, beta, finiteHalves);
            }
        });
    }

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
