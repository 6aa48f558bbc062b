using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Decode (up to 8 rows of x) against Q8_0 or Q4_0 weights with integer dot products, as llama.cpp does: x comes
/// quantized per block of 32 (<see cref="Int8Activations"/>), each weight block is loaded, unpacked to int8 in
/// registers and multiplied with x's block as u8·s8 (Q8_0: |w| times x with w's sign, <c>vpsignb</c>; Q4_0: its
/// unsigned nibbles as they are, the offset of 8 entering as −8·Σx, x's block sum, in the int32 accumulator the
/// products are added to), summed to int32 (<c>vpdpbusd</c> with AVX-VNNI, <c>vpmaddubsw</c> + <c>vpmaddwd</c> with
/// AVX2, whose 16-bit pair sums cannot saturate since |w| ≤ 128 and |x| ≤ 127), and only then scaled by d_w·d_x in fp32. Nothing goes through memory
/// but the weights and x's 8-bit blocks, so decode is bound by reading the weights rather than by arithmetic.
/// </summary>
internal static unsafe partial class QuantizedDot
{
    // Bytes ahead of the current block to prefetch within a row (past a row's end: the stream's next row). 2048 rather
    // than 512 on a Zen 5 core (gemv threads=1, alternating builds): Q8_0 29.5 -> 34.3-38.7 GB/s, Q4_0 27 -> 30-31.5,
    // Llama-1B Q8_0 decode 35-36 -> 42-44 tokens/s; 4096 was slower than 2048 (0.52-0.78 of the triad against 0.60-0.84).
    private const int Ahead = 2048;

    // Rows of W one core reads at once at batch 1.
    private const int Streams = 4;

    /// <summary>
    /// fp16 scale bits to fp32 (65536 floats): one load per block instead of a software conversion; scales repeat, so
    /// the used entries stay in L1.
    /// </summary>
    internal static readonly nint HalfTable = BuildHalfTable();

    public static bool Handles(DataType type) => type is DataType.Q8_0 or DataType.Q4_0;

    /// <summary>The path for <paramref name="type"/> on this CPU: Q4_0 takes AVX-512BW where present, else <see cref="DotPaths.Int8"/>.</summary>
    public static DotPath Path(DataType type) => type == DataType.Q4_0 && DotPaths.IsSupported(DotPath.Avx512) ? DotPath.Avx512 : DotPaths.Int8;

    /// <summary>
    /// Whether the 512-bit Q4_0 kernel gathers its codes with AVX512_VBMI's byte permute and splits their nibbles with
    /// GFNI (where the CPU has both) or with inserts and shifts; the tests run both on a machine that has them. Both
    /// give the same sums.
    /// </summary>
    internal static bool PermuteCodes { get; set; } = Avx512Vbmi.IsSupported && Gfni.V512.IsSupported;

    /// <summary>y[r, n] = x[r]·W[n] + beta·y[r, n] for n in [n0, n1), with W's rows from <paramref name="w"/> (row n0).</summary>
    public static void Rows(DotPath path, DataType type, Int8Activations x, byte* w, float* y, int rows, int n0, int n1, int outputs, long rowBytes, float beta)
    {
        delegate*<byte*, long, Int8Activations, float*, void> row4 = null;
        delegate*<byte*, Int8Activations, int, float*, void> row;
        switch (path, type)
        {
            // The 512-bit kernel takes four rows at batch 1; other rows and the blocks after the last step of four go
            // through the 256-bit kernels.
            case (DotPath.Avx512, DataType.Q4_0) when AvxVnni.IsSupported:
                row4 = PermuteCodes ? &Row4Q4Avx512<VnniDot, PermutedCodes> : &Row4Q4Avx512<VnniDot, InsertedCodes>;
                row = &Row<Q4Block, VnniDot>;
                break;
            case (DotPath.Avx512, DataType.Q4_0):
                row4 = PermuteCodes ? &Row4Q4Avx512<Avx2Dot, PermutedCodes> : &Row4Q4Avx512<Avx2Dot, InsertedCodes>;
                row = &Row<Q4Block, Avx2Dot>;
                break;
            case (DotPath.AvxVnni, DataType.Q8_0):
                row4 = &Row4<Q8Block, VnniDot>;
                row = &Row<Q8Block, VnniDot>;
                break;
            case (DotPath.AvxVnni, _):
                row4 = &Row4Q4Pairs<VnniDot>;
                row = &Row<Q4Block, VnniDot>;
                break;
            case (DotPath.Avx2, DataType.Q8_0):
                row4 = &Row4<Q8Block, Avx2Dot>;
                row = &Row<Q8Block, Avx2Dot>;
                break;
            case (DotPath.Avx2, _):
                row4 = &Row4Q4Pairs<Avx2Dot>;
                row = &Row<Q4Block, Avx2Dot>;
                break;
            case (_, DataType.Q8_0):
                row = &PortableRow<Q8Block>;
                break;
            default:
                row = &PortableRow<Q4Block>;
                break;
        }

        Stream(x, w, y, rows, n0, n1, outputs, rowBytes, beta, row4, row);
    }

    /// <summary>Whether <see cref="RowsTwo"/> has a kernel for <paramref name="type"/> on <paramref name="path"/>: Q4_0 with AVX-512, Q8_0 with AVX2 or AVX-VNNI.</summary>
    public static bool HasTwoRowKernel(DotPath path, DataType type) =>
        (path == DotPath.Avx512 && type == DataType.Q4_0) || (path is DotPath.AvxVnni or DotPath.Avx2 && type == DataType.Q8_0);

    /// <summary>
    /// <see cref="Rows"/> for two rows of x, <paramref name="a"/> into <paramref name="ya"/> and <paramref name="b"/>
    /// into <paramref name="yb"/>: four rows of W a quarter apart, each step of them read and unpacked once for both
    /// (<see cref="HasTwoRowKernel"/> must hold); the rows a quarter cannot take through <see cref="Rows"/>.
    /// </summary>
    public static void RowsTwo(DotPath path, DataType type, Int8Activations a, Int8Activations b, byte* w, float* ya, float* yb, int n0, int n1, int outputs, long rowBytes, float beta)
    {
        delegate*<byte*, long, Int8Activations, Int8Activations, float*, void> row4 = (type, path, AvxVnni.IsSupported, PermuteCodes) switch
        {
            (DataType.Q8_0, DotPath.AvxVnni, _, _) => &Row4Q8Two<VnniDot>,
            (DataType.Q8_0, _, _, _) => &Row4Q8Two<Avx2Dot>,
            (_, _, true, true) => &Row4Q4Avx512Two<VnniDot, PermutedCodes>,
            (_, _, true, false) => &Row4Q4Avx512Two<VnniDot, InsertedCodes>,
            (_, _, false, true) => &Row4Q4Avx512Two<Avx2Dot, PermutedCodes>,
            _ => &Row4Q4Avx512Two<Avx2Dot, InsertedCodes>,
        };
        var quarter = (n1 - n0) / Streams;
        var dots = stackalloc float[2 * Streams];
        for (var i = 0; i < quarter; i++)
        {
            row4(w + (i * rowBytes), quarter * rowBytes, a, b, dots);
            for (var s = 0; s < Streams; s++)
            {
                Store(ya + n0 + i + (s * quarter), dots[s], beta);
                Store(yb + n0 + i + (s * quarter), dots[Streams + s], beta);
            }
        }

        var n = n0 + (Streams * quarter);
        if (n < n1)
        {
            var rest = w + ((n - n0) * rowBytes);
            Rows(path, type, a, rest, ya, 1, n, n1, outputs, rowBytes, beta);
            Rows(path, type, b, rest, yb, 1, n, n1, outputs, rowBytes, beta);
        }
    }

    /// <summary>
    /// The loop over W's rows that <see cref="Rows"/> and <see cref="KQuantDot.Rows"/> share: at batch 1 with a
    /// four-stream kernel (<paramref name="row4"/>, null on the portable path) four rows of W at once, a quarter of the
    /// range apart, so that one core keeps enough DRAM reads in flight (each 4 KiB page is a new stream for the hardware
    /// prefetcher); the rest, and every row at batch 2 to 8, one at a time through <paramref name="row"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Stream(
        Int8Activations x, byte* w, float* y, int rows, int n0, int n1, int outputs, long rowBytes, float beta,
        delegate*<byte*, long, Int8Activations, float*, void> row4, delegate*<byte*, Int8Activations, int, float*, void> row,
        delegate*<byte*, long, int, Int8Activations, float*, float, void> quarters = null)
    {
        var n = n0;
        if (rows == 1 && quarters != null)
        {
            // The four-stream kernel runs the whole range itself: no call, set-up and store loop per four rows.
            var quarter = (n1 - n0) / Streams;
            quarters(w, rowBytes, quarter, x, y + n0, beta);
            n = n0 + (Streams * quarter);
            w += (Streams * quarter) * rowBytes;
        }
        else if (rows == 1 && row4 != null)
        {
            var quarter = (n1 - n0) / Streams;
            var dots = stackalloc float[Streams];
            for (var i = 0; i < quarter; i++)
            {
                row4(w + (i * rowBytes), quarter * rowBytes, x, dots);
                for (var s = 0; s < Streams; s++)
                {
                    Store(y + n0 + i + (s * quarter), dots[s], beta);
                }
            }

            // The rows a quarter could not take.
            n = n0 + (Streams * quarter);
            w += (Streams * quarter) * rowBytes;
        }

        var sums = stackalloc float[rows];
        for (; n < n1; n++, w += rowBytes)
        {
            if (Sse.IsSupported && n + 1 < n1)
            {
                Sse.Prefetch0(w + rowBytes);
                Sse.Prefetch0(w + rowBytes + 64);
            }

            row(w, x, rows, sums);
            for (var r = 0; r < rows; r++)
            {
                Store(y + ((long)r * outputs) + n, sums[r], beta);
            }
        }
    }

    /// <summary>Prefetches the line at <paramref name="p"/> and at 1, 2 and 3 times <paramref name="gap"/> after it (the four streams' rows) into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Prefetch4(byte* p, long gap)
    {
        Sse.Prefetch0(p);
        Sse.Prefetch0(p + gap);
        Sse.Prefetch0(p + (2 * gap));
        Sse.Prefetch0(p + (3 * gap));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(float* target, float value, float beta) => *target = beta == 0 ? value : value + (beta * *target);

    /// <summary>dots[s] = x·W[row s·gap] for the four streams; x's block is loaded once for all four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4<TBlock, TDot>(byte* w, long gap, Int8Activations x, float* dots)
        where TBlock : struct, IWeightBlock
        where TDot : struct, IInt8Dot
    {
        // A local: the static field would cost a class-initialization check per use in code compiled optimized from the
        // first call, and the helper call behind it made the JIT keep the accumulators in memory.
        var halves = (float*)HalfTable;
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var b = 0; b < x.Blocks; b++)
        {
            var offset = b * TBlock.Bytes;
            if ((b & 1) == 0)
            {
                Prefetch4(w0 + offset + Ahead, gap);
            }

            var xq = Vector256.Load(x.Values + (b * 32));
            var dx = x.Scales[b];
            var bias = Bias<TBlock>(x, b);
            a0 = Block<TBlock, TDot>(w0 + offset, xq, dx, bias, a0, halves);
            a1 = Block<TBlock, TDot>(w1 + offset, xq, dx, bias, a1, halves);
            a2 = Block<TBlock, TDot>(w2 + offset, xq, dx, bias, a2, halves);
            a3 = Block<TBlock, TDot>(w3 + offset, xq, dx, bias, a3, halves);
        }

        dots[0] = Vector256.Sum(a0);
        dots[1] = Vector256.Sum(a1);
        dots[2] = Vector256.Sum(a2);
        dots[3] = Vector256.Sum(a3);
    }

    /// <summary>
    /// <see cref="Row4{TBlock, TDot}"/> for Q8_0 and two rows of x (<paramref name="x"/> into dots 0-3,
    /// <paramref name="z"/> into 4-7): each block's codes are loaded, their magnitudes taken and d_w looked up once for both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Q8Two<TDot>(byte* w, long gap, Int8Activations x, Int8Activations z, float* dots)
        where TDot : struct, IInt8Dot
    {
        var halves = (float*)HalfTable;
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, c0 = default, c1 = default, c2 = default, c3 = default;
        for (var b = 0; b < x.Blocks; b++)
        {
            var offset = b * Q8Block.Bytes;
            if ((b & 1) == 0)
            {
                Prefetch4(w0 + offset + Ahead, gap);
            }

            var xq = Vector256.Load(x.Values + (b * 32));
            var zq = Vector256.Load(z.Values + (b * 32));
            float dx = x.Scales[b], dz = z.Scales[b];
            (a0, c0) = Q8BlockTwo<TDot>(w0 + offset, xq, zq, dx, dz, a0, c0, halves);
            (a1, c1) = Q8BlockTwo<TDot>(w1 + offset, xq, zq, dx, dz, a1, c1, halves);
            (a2, c2) = Q8BlockTwo<TDot>(w2 + offset, xq, zq, dx, dz, a2, c2, halves);
            (a3, c3) = Q8BlockTwo<TDot>(w3 + offset, xq, zq, dx, dz, a3, c3, halves);
        }

        dots[0] = Vector256.Sum(a0);
        dots[1] = Vector256.Sum(a1);
        dots[2] = Vector256.Sum(a2);
        dots[3] = Vector256.Sum(a3);
        dots[4] = Vector256.Sum(c0);
        dots[5] = Vector256.Sum(c1);
        dots[6] = Vector256.Sum(c2);
        dots[7] = Vector256.Sum(c3);
    }

    /// <summary><see cref="Block{TBlock, TDot}"/> of a Q8_0 block for two rows of x' blocks, the block's loads and magnitudes shared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> X, Vector256<float> Z) Q8BlockTwo<TDot>(byte* p, Vector256<sbyte> xq, Vector256<sbyte> zq, float dx, float dz, Vector256<float> accX, Vector256<float> accZ, float* halves)
        where TDot : struct, IInt8Dot
    {
        var q = Q8Block.Load(p);
        var magnitude = Avx2.Abs(q);
        var dw = halves[*(ushort*)p];
        return (
            Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(TDot.Dot(magnitude, Avx2.Sign(xq, q))), Vector256.Create(dw * dx), accX),
            Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(TDot.Dot(magnitude, Avx2.Sign(zq, q))), Vector256.Create(dw * dz), accZ));
    }

    /// <summary>
    /// Q4_0 at batch 1 on 256 bits, two blocks per step (one per 128-bit lane) with x's side prepared once per call
    /// (<see cref="Int8Activations.Pairs"/>): the unpacking, the integer sums, the conversion, the scaling and the FMA
    /// each take one instruction per two blocks instead of one per block, and the two weight scales are two table
    /// broadcasts and a blend. Per row and step 10 vector instructions where two calls of <see cref="Block"/> took 18;
    /// on Zen 5 with AVX-512 turned off this loop is what bounds Q4_0 decode (one core: 19 GB/s of weights in cache
    /// against a 40 GB/s triad before it). The last block of an odd count, and every block where x has no pairs, go
    /// through <see cref="Block"/>. Table values are exact fp32 (infinities and NaNs included), so no case needs
    /// another path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Q4Pairs<TDot>(byte* w, long gap, Int8Activations x, float* dots)
        where TDot : struct, IInt8Dot
    {
        var halves = (float*)HalfTable;
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var blocks = x.Blocks;
        var pairs = x.Pairs == null ? 0 : blocks & ~1;
        var b = 0;
        for (; b < pairs; b += 2)
        {
            var offset = b * Q4Block.Bytes;
            Prefetch4(w0 + offset + Ahead, gap);
            var pair = x.Pairs + (b * 64);
            var low = Vector256.Load((sbyte*)pair);
            var high = Vector256.Load((sbyte*)(pair + 32));
            var dx = Vector256.Load((float*)(pair + 64));
            var bias = Vector256.Load((int*)(pair + 96));
            a0 = Pair<TDot>(w0 + offset, low, high, dx, bias, a0, halves);
            a1 = Pair<TDot>(w1 + offset, low, high, dx, bias, a1, halves);
            a2 = Pair<TDot>(w2 + offset, low, high, dx, bias, a2, halves);
            a3 = Pair<TDot>(w3 + offset, low, high, dx, bias, a3, halves);
        }

        for (; b < blocks; b++)
        {
            var offset = b * Q4Block.Bytes;
            var xq = Vector256.Load(x.Values + (b * 32));
            var dx = x.Scales[b];
            var bias = Bias<Q4Block>(x, b);
            a0 = Block<Q4Block, TDot>(w0 + offset, xq, dx, bias, a0, halves);
            a1 = Block<Q4Block, TDot>(w1 + offset, xq, dx, bias, a1, halves);
            a2 = Block<Q4Block, TDot>(w2 + offset, xq, dx, bias, a2, halves);
            a3 = Block<Q4Block, TDot>(w3 + offset, xq, dx, bias, a3, halves);
        }

        dots[0] = Vector256.Sum(a0);
        dots[1] = Vector256.Sum(a1);
        dots[2] = Vector256.Sum(a2);
        dots[3] = Vector256.Sum(a3);
    }

    /// <summary>Two Q4_0 blocks at <paramref name="p"/> against x's pair (see <see cref="Row4Q4Pairs"/>), added to <paramref name="acc"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pair<TDot>(byte* p, Vector256<sbyte> low, Vector256<sbyte> high, Vector256<float> dx, Vector256<int> bias, Vector256<float> acc, float* halves)
        where TDot : struct, IInt8Dot
    {
        // Block 0's 16 code bytes in the low lane, block 1's in the high one; low nibbles are values 0-15, high 16-31.
        var codes = Vector256.Create(Vector128.Load(p + 2), Vector128.Load(p + 2 + Q4Block.Bytes));
        var nibble = Vector256.Create((byte)0x0F);
        var dot = TDot.DotAddNibbles(bias, codes & nibble, low, Vector256.ShiftRightLogical(codes.AsUInt16(), 4).AsByte() & nibble, high);
        var dw = Avx.Blend(Vector256.Create(halves[*(ushort*)p]), Vector256.Create(halves[*(ushort*)(p + Q4Block.Bytes)]), 0xF0);
        return Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(dot), dw * dx, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TBlock, TDot>(byte* w, Int8Activations x, int rows, float* sums)
        where TBlock : struct, IWeightBlock
        where TDot : struct, IInt8Dot
    {
        var blocks = x.Blocks;
        var halves = (float*)HalfTable;
        if (rows == 1)
        {
            // Two accumulators: one FMA chain per block would wait on the FMA latency.
            Vector256<float> a0 = default, a1 = default;
            var b = 0;
            for (; b + 2 <= blocks; b += 2)
            {
                var p = w + (b * TBlock.Bytes);
                Sse.Prefetch0(p + Ahead);
                a0 = Block<TBlock, TDot>(p, Vector256.Load(x.Values + (b * 32)), x.Scales[b], Bias<TBlock>(x, b), a0, halves);
                a1 = Block<TBlock, TDot>(p + TBlock.Bytes, Vector256.Load(x.Values + (b * 32) + 32), x.Scales[b + 1], Bias<TBlock>(x, b + 1), a1, halves);
            }

            if (b < blocks)
            {
                a0 = Block<TBlock, TDot>(w + (b * TBlock.Bytes), Vector256.Load(x.Values + (b * 32)), x.Scales[b], Bias<TBlock>(x, b), a0, halves);
            }

            sums[0] = Vector256.Sum(a0 + a1);
            return;
        }

        // More rows: each weight block is unpacked once and dotted with every row's block; the accumulators live in L1.
        var acc = stackalloc Vector256<float>[rows];
        for (var r = 0; r < rows; r++)
        {
            acc[r] = default;
        }

        for (var b = 0; b < blocks; b++)
        {
            var p = w + (b * TBlock.Bytes);
            Sse.Prefetch0(p + Ahead);
            var q = TBlock.Load(p);
            var magnitude = TBlock.Biased ? q.AsByte() : Avx2.Abs(q);
            var dw = halves[*(ushort*)p];
            for (var r = 0; r < rows; r++)
            {
                var row = ((long)r * x.Blocks) + b;
                var xq = Vector256.Load(x.Values + (row * 32));
                var dot = TBlock.Biased
                    ? TDot.DotAdd(Vector256.CreateScalar(-8 * x.IntSums[row]), magnitude, xq)
                    : TDot.Dot(magnitude, Avx2.Sign(xq, q));
                acc[r] = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(dw * x.Scales[row]), acc[r]);
            }
        }

        for (var r = 0; r < rows; r++)
        {
            sums[r] = Vector256.Sum(acc[r]);
        }
    }

    /// <summary>What an offset-8 block's integer dot product starts from: −8·Σx for x's block <paramref name="b"/>; 0 otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bias<TBlock>(Int8Activations x, long b)
        where TBlock : struct, IWeightBlock => TBlock.Biased ? -8 * x.IntSums[b] : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block<TBlock, TDot>(byte* p, Vector256<sbyte> xq, float dx, int bias, Vector256<float> acc, float* halves)
        where TBlock : struct, IWeightBlock
        where TDot : struct, IInt8Dot
    {
        var q = TBlock.Load(p);
        var dot = TBlock.Biased ? TDot.DotAdd(Vector256.CreateScalar(bias), q.AsByte(), xq) : TDot.Dot(Avx2.Abs(q), Avx2.Sign(xq, q));
        return Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(dot), Vector256.Create(halves[*(ushort*)p] * dx), acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PortableRow<TBlock>(byte* w, Int8Activations x, int rows, float* sums)
        where TBlock : struct, IWeightBlock
    {
        var q = stackalloc sbyte[32];
        new Span<float>(sums, rows).Clear();
        for (var b = 0; b < x.Blocks; b++, w += TBlock.Bytes)
        {
            TBlock.Unpack(w, q);
            var dw = Scale(w);
            for (var r = 0; r < rows; r++)
            {
                var row = ((long)r * x.Blocks) + b;
                var xq = x.Values + (row * 32);
                var dot = 0;
                for (var i = 0; i < 32; i++)
                {
                    dot += q[i] * xq[i];
                }

                sums[r] += dw * x.Scales[row] * dot;
            }
        }
    }

    /// <summary>The fp16 scale at <paramref name="block"/> as fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Scale(byte* block) => ((float*)HalfTable)[*(ushort*)block];

    private static nint BuildHalfTable()
    {
        var table = (float*)NativeMemory.AlignedAlloc(65536 * sizeof(float), 64);
        for (var bits = 0; bits < 65536; bits++)
        {
            table[bits] = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
        }

        // Lives as long as the process, like the kernels that read it.
        return (nint)table;
    }

    /// <summary>A ggml block of 32 weights: an fp16 scale, then the values, which <see cref="Load"/> unpacks to int8.</summary>
    internal interface IWeightBlock
    {
        static abstract int Bytes { get; }

        /// <summary>Whether <see cref="Load"/> gives codes 0..15 that stand for code − 8 (Q4_0), rather than signed values.</summary>
        static abstract bool Biased { get; }

        static abstract Vector256<sbyte> Load(byte* block);

        /// <summary>The block's 32 int8 values into <paramref name="q"/> with scalar code, for CPUs without AVX2.</summary>
        static abstract void Unpack(byte* block, sbyte* q);
    }

    /// <summary>An int8 dot product: u8·s8 products summed in groups of four into the eight int32 lanes.</summary>
    internal interface IInt8Dot
    {
        static abstract Vector256<int> Dot(Vector256<byte> magnitude, Vector256<sbyte> signed);

        /// <summary><paramref name="accumulator"/> plus <see cref="Dot"/>'s sums.</summary>
        static abstract Vector256<int> DotAdd(Vector256<int> accumulator, Vector256<byte> magnitude, Vector256<sbyte> signed);

        /// <summary>
        /// <paramref name="accumulator"/> plus the sums of two products, for codes of 0 to 15 only (Q4_0's nibbles): their
        /// 16-bit pair sums (at most 2·2·15·127) may then be added before widening.
        /// </summary>
        static abstract Vector256<int> DotAddNibbles(Vector256<int> accumulator, Vector256<byte> first, Vector256<sbyte> x1, Vector256<byte> second, Vector256<sbyte> x2);

        /// <summary><paramref name="accumulator"/> plus the products of 16-bit pairs summed into 32 bits (vpdpwssd, or vpmaddwd and an add).</summary>
        static abstract Vector256<int> PairsAdd(Vector256<int> accumulator, Vector256<short> left, Vector256<short> right);
    }

    internal readonly struct Q8Block : IWeightBlock
    {
        public static int Bytes => 34;

        public static bool Biased => false;

        public static Vector256<sbyte> Load(byte* block) => Vector256.Load((sbyte*)(block + 2));

        public static void Unpack(byte* block, sbyte* q) => new ReadOnlySpan<sbyte>(block + 2, 32).CopyTo(new Span<sbyte>(q, 32));
    }

    internal readonly struct Q4Block : IWeightBlock
    {
        public static int Bytes => 18;

        public static bool Biased => true;

        // Byte j holds value j in its low nibble and value j + 16 in its high one; values are nibble − 8.
        public static Vector256<sbyte> Load(byte* block)
        {
            var q = Vector128.Load(block + 2);
            return Vector256.Create(q & Vector128.Create((byte)0x0F), Vector128.ShiftRightLogical(q, 4)).AsSByte();
        }

        public static void Unpack(byte* block, sbyte* q)
        {
            for (var i = 0; i < 16; i++)
            {
                q[i] = (sbyte)((block[2 + i] & 0x0F) - 8);
                q[i + 16] = (sbyte)((block[2 + i] >> 4) - 8);
            }
        }
    }

    internal readonly struct VnniDot : IInt8Dot
    {
        public static Vector256<int> Dot(Vector256<byte> magnitude, Vector256<sbyte> signed) =>
            AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, magnitude, signed);

        public static Vector256<int> DotAdd(Vector256<int> accumulator, Vector256<byte> magnitude, Vector256<sbyte> signed) =>
            AvxVnni.MultiplyWideningAndAdd(accumulator, magnitude, signed);

        public static Vector256<int> DotAddNibbles(Vector256<int> accumulator, Vector256<byte> first, Vector256<sbyte> x1, Vector256<byte> second, Vector256<sbyte> x2) =>
            AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(accumulator, first, x1), second, x2);

        public static Vector256<int> PairsAdd(Vector256<int> accumulator, Vector256<short> left, Vector256<short> right) =>
            AvxVnni.MultiplyWideningAndAdd(accumulator, left, right);
    }

    internal readonly struct Avx2Dot : IInt8Dot
    {
        public static Vector256<int> Dot(Vector256<byte> magnitude, Vector256<sbyte> signed) =>
            Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(magnitude, signed), Vector256.Create((short)1));

        public static Vector256<int> DotAdd(Vector256<int> accumulator, Vector256<byte> magnitude, Vector256<sbyte> signed) =>
            accumulator + Dot(magnitude, signed);

        // One widening for both products: vpmaddubsw twice, a 16-bit add, one vpmaddwd.
        public static Vector256<int> DotAddNibbles(Vector256<int> accumulator, Vector256<byte> first, Vector256<sbyte> x1, Vector256<byte> second, Vector256<sbyte> x2) =>
            accumulator + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(first, x1) + Avx2.MultiplyAddAdjacent(second, x2), Vector256.Create((short)1));

        public static Vector256<int> PairsAdd(Vector256<int> accumulator, Vector256<short> left, Vector256<short> right) =>
            accumulator + Avx2.MultiplyAddAdjacent(left, right);
    }
}
