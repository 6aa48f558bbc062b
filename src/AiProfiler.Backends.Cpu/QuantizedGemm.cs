using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Prefill (more rows of x than decode's dot products take) against Q8_0 or Q4_0 weights as an int8 GEMM, the way
/// llama.cpp runs it: x is quantized once per call per block of 32 (<see cref="Int8Activations"/>, the same rounding as
/// decode), and the cores split W into tiles of <see cref="TileRows"/> rows. Each tile is first repacked into a
/// scratch that stays in L2 (<see cref="Pack"/>): per block of 32 and group of 8 rows, 4-byte pieces interleaved so
/// that 32-bit lane j of a 256-bit register holds four consecutive values of row j. One <c>vpdpbusd</c> of such a
/// register with four bytes of one token broadcast to every lane then adds four products to each of 8 rows' sums, so
/// a block's 8 instructions leave the 8 rows' integer dot products in the 8 lanes, ready to be converted and scaled by
/// the rows' scales times the token's with one FMA, with no horizontal sum. The micro-kernel holds 4 tokens × 16 rows
/// (8 int32 and 8 fp32 accumulators). Repacking per call rather than at load keeps the weights in ggml's layout (the
/// file is mapped, never copied) and costs one pass over each tile per call, against 4·tokens/4 uses of each piece.
/// </summary>
/// <remarks>
/// <c>vpdpbusd</c> multiplies unsigned by signed bytes. The weights are packed signed (Q4_0's codes minus 8, Q8_0's as
/// they are) and x enters as x + 128 (0..254): Σ(x + 128)·w = Σx·w + 128·Σw, so each row's block starts its int32 sum
/// from −128·Σw, kept beside the scales. Without AVX-VNNI, <c>vpmaddubsw</c> would saturate on (x + 128)·w; that path
/// multiplies |w| by x with w's sign instead (pair sums ≤ 2·128·127) and adds no offset. .NET 10 offers no 512-bit
/// <c>vpdpbusd</c> (see <see cref="DotPaths.Int8"/>), so 256 bits is the widest; without AVX2 the decode kernels'
/// scalar path serves any number of rows.
/// </remarks>
internal static unsafe partial class QuantizedGemm
{
    // Per-thread buffers (see Scratch): x + 128 on the calling thread, a packed tile on each worker.
    [ThreadStatic]
    private static byte[]? _activations;

    [ThreadStatic]
    private static byte[]? _tile;

    // The largest x + 128 copy a thread keeps between calls (a 4096-token prompt at K = 16384).
    private const long CachedActivations = 64L << 20;

    /// <summary>W's rows one task repacks and multiplies: 64 rows × K = 8192 packed are 1.3 MB, about a core's L2.</summary>
    private const int TileRows = 64;

    // The micro-kernel's tile: 4 tokens × 2 groups of 8 rows.
    private const int Tokens = 4, GroupRows = 8, Groups = 2;

    // Packed block for a group of 8 rows: 8 × 32 int8 values, then their 8 fp32 scales and their 8 offsets −128·Σw;
    // Q6_K's scales and offsets cover the first 16 values, and the second 16 have theirs after; Q4_K then has its 8 fp32
    // offsets −dmin·m.
    private const int ValueBytes = 256, ScalesAt = ValueBytes, OffsetsAt = ScalesAt + 32, MinsAt = OffsetsAt + 32;
    private const int SecondScalesAt = MinsAt, SecondOffsetsAt = SecondScalesAt + 32;

    public static bool Handles(DataType type) => type.IsBlockQuantized();

    /// <summary>The widest path this CPU runs: <see cref="DotPath.Avx512"/> needs AVX-VNNI and AVX-512 both.</summary>
    public static DotPath Path { get; } = DotPaths.Int8 == DotPath.AvxVnni && DotPaths.IsSupported(DotPath.Avx512) ? DotPath.Avx512 : DotPaths.Int8;

    /// <summary>Whether <paramref name="path"/> can run here.</summary>
    public static bool IsSupported(DotPath path) => DotPaths.IsSupported(path) && (path != DotPath.Avx512 || DotPaths.IsSupported(DotPath.AvxVnni));

    /// <summary>y = x·Wᵀ + beta·y for <paramref name="rows"/> rows of x on <paramref name="path"/>.</summary>
    public static void Run(DotPath path, ParallelOptions parallel, DataType type, float* x, byte* w, float* y, int rows, int outputs, int inputs, float beta)
    {
        if (path is not (DotPath.Avx512 or DotPath.AvxVnni or DotPath.Avx2))
        {
            WeightLinear.Decode(DotPath.Portable, type, x, w, y, rows, outputs, inputs, beta, parallel.MaxDegreeOfParallelism);
            return;
        }

        // The k-quants' x per super-block, as their decode quantizes it (one d_x per 256 values), so prefill and decode
        // round x alike.
        using var quantized = new Int8Activations(x, rows, inputs, parallel, KQuantDot.Handles(type) ? Int8Activations.SuperBlock : Int8Activations.Block);
        var vnni = path is DotPath.Avx512 or DotPath.AvxVnni;
        var (pack, kernel, stride, unsignedCodes) = Select(type, path);
        var values = (long)rows * inputs;
        var activations = (byte*)quantized.Values;
        byte* owned = null;
        if (vnni && !unsignedCodes)
        {
            // A thread keeps up to CachedActivations bytes between calls; a longer prompt's copy lives for the call.
            activations = values <= CachedActivations ? Scratch(ref _activations, values) : owned = (byte*)NativeMemory.AlignedAlloc((nuint)values, 64);
            Offset(quantized.Values, activations, values);
        }

        try
        {
            Multiply(pack, kernel, stride, vnni, new Activations(activations, quantized.Scales, quantized.Sums, quantized.IntSums, inputs, quantized.Blocks), type, w, y, rows, outputs, beta, parallel);
        }
        finally
        {
            NativeMemory.AlignedFree(owned);
        }
    }

    /// <summary>The tiles of W, each packed and multiplied with every token of <paramref name="x8"/>, split between the threads.</summary>
    private static void Multiply(nint pack, nint kernel, int stride, bool vnni, Activations x8, DataType type, byte* w, float* y, int rows, int outputs, float beta, ParallelOptions parallel)
    {
        var blocks = x8.Blocks;
        var rowBytes = type.StorageBytes(x8.Inputs);
        var groupBytes = (long)blocks * stride;
        var pw = (nint)w;
        var py = (nint)y;
        TeamFor.Run(parallel, (outputs + TileRows - 1) / TileRows, tile =>
        {
            var n0 = tile * TileRows;
            var count = Math.Min(TileRows, outputs - n0);
            var scratch = Scratch(ref _tile, TileRows / GroupRows * groupBytes);
            ((delegate*<byte*, long, int, int, byte*, bool, void>)pack)((byte*)pw + (n0 * rowBytes), rowBytes, count, blocks, scratch, vnni);
            Tile((delegate*<byte*, long, Panel, float*, void>)kernel, scratch, groupBytes, x8, rows, count, (float*)py + n0, outputs, beta);
        });
    }

    /// <summary>All tokens against a packed tile of <paramref name="count"/> rows, 4 tokens × 16 rows at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(delegate*<byte*, long, Panel, float*, void> kernel, byte* packed, long groupBytes, Activations x, int rows, int count, float* y, int outputs, float beta)
    {
        var results = stackalloc float[Tokens * GroupRows * Groups];
        for (var t = 0; t < rows; t += Tokens)
        {
            var panel = new Panel(x, t, Math.Min(Tokens, rows - t));
            for (var r = 0; r < count; r += GroupRows * Groups)
            {
                kernel(packed + (r / GroupRows * groupBytes), groupBytes, panel, results);
                new Target(y + ((long)t * outputs) + r, outputs, Math.Min(GroupRows * Groups, count - r), beta).Store(results, panel.Count);
            }
        }
    }

    /// <summary>
    /// A 64-byte aligned buffer of at least <paramref name="bytes"/> kept in <paramref name="slot"/>, a thread's own:
    /// memory allocated per call would be mapped afresh each time, and the page faults cost a short prefill a third of
    /// its time on this VM. Pinned arrays, so the buffers go with their threads.
    /// </summary>
    private static byte* Scratch(ref byte[]? slot, long bytes)
    {
        if (slot is null || slot.Length < bytes + 64)
        {
            slot = GC.AllocateUninitializedArray<byte>(checked((int)(bytes + 64)), pinned: true);
        }

        var start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slot));
        return (byte*)((start + 63) & ~(nint)63);
    }

    /// <summary>
    /// The packing and the kernel for a weight type and path (as pointers, which lambdas may capture), and the bytes
    /// of a packed block, and whether the codes are packed unsigned (x then enters signed). <see cref="DotPath.Avx512"/>
    /// is the AVX-VNNI kernel with its fp32 side at 512 bits.
    /// </summary>
    private static (nint Pack, nint Kernel, int Stride, bool Unsigned) Select(DataType type, DotPath path) => (type, path) switch
    {
        (DataType.Q8_0, DotPath.Avx512) => Functions<Q8Source>(&Kernel512<QuantizedDot.VnniDot, Q8Source>),
        (DataType.Q8_0, DotPath.AvxVnni) => Functions<Q8Source>(&Kernel<QuantizedDot.VnniDot, Q8Source>),
        (DataType.Q8_0, _) => Functions<Q8Source>(&Kernel<QuantizedDot.Avx2Dot, Q8Source>),
        (DataType.Q4_0, DotPath.Avx512) => Functions<Q4Source>(&Kernel512<QuantizedDot.VnniDot, Q4Source>),
        (DataType.Q4_0, DotPath.AvxVnni) => Functions<Q4Source>(&Kernel<QuantizedDot.VnniDot, Q4Source>),
        (DataType.Q4_0, _) => Functions<Q4Source>(&Kernel<QuantizedDot.Avx2Dot, Q4Source>),
        (DataType.Q4_K, DotPath.Avx512) => Functions<Q4KSource>(&Kernel512<QuantizedDot.VnniDot, Q4KSource>),
        (DataType.Q4_K, DotPath.AvxVnni) => Functions<Q4KSource>(&Kernel<QuantizedDot.VnniDot, Q4KSource>),
        (DataType.Q4_K, _) => Functions<Q4KSource>(&Kernel<QuantizedDot.Avx2Dot, Q4KSource>),
        (_, DotPath.Avx512) => Functions<Q6KSource>(&Kernel512<QuantizedDot.VnniDot, Q6KSource>),
        (_, DotPath.AvxVnni) => Functions<Q6KSource>(&Kernel<QuantizedDot.VnniDot, Q6KSource>),
        _ => Functions<Q6KSource>(&Kernel<QuantizedDot.Avx2Dot, Q6KSource>),
    };

    private static (nint Pack, nint Kernel, int Stride, bool Unsigned) Functions<TSource>(delegate*<byte*, long, Panel, float*, void> kernel)
        where TSource : struct, IPackSource =>
        ((nint)(delegate*<byte*, long, int, int, byte*, bool, void>)&Pack<TSource>, (nint)kernel, TSource.Stride, TSource.Unsigned);

    /// <summary>x's int8 values plus 128 as unsigned bytes (flipping the sign bit), for <c>vpdpbusd</c>'s unsigned side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Offset(sbyte* values, byte* target, long count)
    {
        // Rows are whole blocks of 32, so the count is a multiple of 32.
        var flip = Vector256.Create((byte)0x80);
        for (long i = 0; i < count; i += 32)
        {
            (Vector256.Load((byte*)values + i) ^ flip).Store(target + i);
        }
    }

    /// <summary>x quantized for the kernels: its bytes (x + 128 where signed weights meet AVX-VNNI), its blocks' d_x, d_x·Σx_q and Σx_q.</summary>
    private readonly struct Activations(byte* values, float* scales, float* sums, int* intSums, int inputs, int blocks)
    {
        public byte* Values => values;

        public float* Scales => scales;

        public float* Sums => sums;

        public int* IntSums => intSums;

        public int Inputs => inputs;

        public int Blocks => blocks;
    }

    /// <summary>Up to <see cref="Tokens"/> consecutive tokens of quantized x.</summary>
    private readonly struct Panel(Activations x, int first, int count)
    {
        public int Blocks => x.Blocks;

        public int Count => count;

        public byte* Token(int i) => x.Values + ((long)Index(i) * x.Inputs);

        public float* Scales(int i) => x.Scales + ((long)Index(i) * x.Blocks);

        public float* Sums(int i) => x.Sums + ((long)Index(i) * x.Blocks);

        public int* IntSums(int i) => x.IntSums + ((long)Index(i) * x.Blocks);

        // A token past the end repeats the last: computed alongside, never stored.
        private int Index(int i) => first + Math.Min(i, count - 1);
    }

    /// <summary>Where a kernel's 4 × 16 results go: row t of y at <paramref name="y"/> + t·<paramref name="stride"/>, the first <paramref name="columns"/> of 16.</summary>
    private readonly struct Target(float* y, int stride, int columns, float beta)
    {
        /// <summary>y = results + beta·y for the first <paramref name="tokens"/> of the kernel's 4.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(float* results, int tokens)
        {
            for (var t = 0; t < tokens; t++, results += GroupRows * Groups)
            {
                var row = y + ((long)t * stride);
                if (columns == GroupRows * Groups)
                {
                    Put(row, Vector256.Load(results));
                    Put(row + GroupRows, Vector256.Load(results + GroupRows));
                    continue;
                }

                for (var i = 0; i < columns; i++)
                {
                    QuantizedDot.Store(row + i, results[i], beta);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Put(float* target, Vector256<float> value) =>
            (beta == 0 ? value : value + (Vector256.Create(beta) * Vector256.Load(target))).Store(target);
    }
}
