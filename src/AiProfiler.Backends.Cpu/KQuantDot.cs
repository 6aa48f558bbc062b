using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Decode (up to 8 rows of x) against Q4_K or Q6_K weights with integer dot products, like <see cref="QuantizedDot"/>:
/// x comes quantized per super-block of 256 (<see cref="Int8Activations.SuperBlock"/>, one d_x for eight blocks of 32),
/// so a super-block's products add up as integers. The weights' codes are unsigned (Q4_K's 0..15, Q6_K's 0..63) and go
/// into the u8 side of <c>vpmaddubsw</c> (a pair sum is at most 2·63·127, within int16) as they are, and the pair sums
/// into <c>vpmaddwd</c> or <c>vpdpwssd</c> against the 6- or 8-bit scale of their sub-block or group. The offsets are
/// taken out once per group, on x's precomputed sums: Q4_K's value d·sc·q − dmin·m gives d·d_x·Σ sc·Σ(q·x_q) −
/// Σ dmin·m·(d_x·Σx_q), Q6_K's d·sc·(q − 32) gives d·d_x·Σ sc·(Σ(q·x_q) − 32·Σ₁₆x_q). One conversion to fp32 and one
/// multiply by d·d_x per super-block and row.
/// </summary>
internal static unsafe partial class KQuantDot
{
    private const int SuperBlock = 256, Q4KBytes = 144, Q6KBytes = 210;

    // Super-blocks ahead of the current one to prefetch within a row (the next row's start is prefetched by the caller):
    // twelve, 1.7 KiB of Q4_K and 2.5 KiB of Q6_K. A fixed 1 KiB was under five Q6_K super-blocks, about 100 ns of
    // four-row streaming on one Zen 5 core, no more than a DRAM read takes: with twelve, Q6_K GEMVs from DRAM went from
    // 31-35 to 33-38 GB/s and Q4_K's from 28-33 to 29-35 (`gemv threads=1`, alternating builds; 8 and 16 between).
    private const int AheadBlocks = 12;

    /// <summary>
    /// Whether one-row Q4_K GEMVs on the AVX-512 path take <see cref="Row4Q4KHeads"/> (AVX512_VBMI's byte permute
    /// unpacks four rows' scales at once) rather than the per-row kernel; settable so that tests run both on one CPU.
    /// </summary>
    internal static bool HeadsKernel { get; set; } = Avx512Vbmi.IsSupported;

    // Four zeros in memory, read once per call into the salts of ISuperBlock.Dot and DotTwo (32 bytes, never freed).
    private static readonly nint Zeros = (nint)System.Runtime.InteropServices.NativeMemory.AllocZeroed(4, (nuint)sizeof(nint));

    public static bool Handles(DataType type) => type is DataType.Q4_K or DataType.Q6_K;

    /// <summary>The path for <paramref name="type"/> on this CPU: AVX-512BW where present, else <see cref="DotPaths.Int8"/>.</summary>
    public static DotPath Path(DataType type) => DotPaths.IsSupported(DotPath.Avx512) ? DotPath.Avx512 : DotPaths.Int8;

    /// <summary>y[r, n] = x[r]·W[n] + beta·y[r, n] for n in [n0, n1), with W's rows from <paramref name="w"/> (row n0).</summary>
    public static void Rows(DotPath path, DataType type, Int8Activations x, byte* w, float* y, int rows, int n0, int n1, int outputs, long rowBytes, float beta)
    {
        if (x.Group != Int8Activations.SuperBlock && path != DotPath.Portable)
        {
            // The vector kernels read one d_x per super-block.
            throw new ArgumentException($"the k-quants' vector kernels need x quantized per {Int8Activations.SuperBlock} values, not per {x.Group}", nameof(x));
        }

        delegate*<byte*, long, int, Int8Activations, float*, float, void> row4 = null;
        delegate*<byte*, Int8Activations, int, float*, void> row;
        switch (path, type)
        {
            case (DotPath.AvxVnni, DataType.Q4_K):
                row4 = &Row4<Q4K<QuantizedDot.VnniDot>, Q4KSide>;
                row = &Row<Q4K<QuantizedDot.VnniDot>, Q4KSide>;
                break;
            case (DotPath.AvxVnni, _):
                row4 = &Row4<Q6K<QuantizedDot.VnniDot>, Q6KSide>;
                row = &Row<Q6K<QuantizedDot.VnniDot>, Q6KSide>;
                break;
            case (DotPath.Avx2, DataType.Q4_K):
                row4 = &Row4<Q4K<QuantizedDot.Avx2Dot>, Q4KSide>;
                row = &Row<Q4K<QuantizedDot.Avx2Dot>, Q4KSide>;
                break;
            case (DotPath.Avx2, _):
                row4 = &Row4<Q6K<QuantizedDot.Avx2Dot>, Q6KSide>;
                row = &Row<Q6K<QuantizedDot.Avx2Dot>, Q6KSide>;
                break;
            case (DotPath.Avx512, DataType.Q4_K):
                row4 = HeadsKernel ? &Row4Q4KHeads : &Row4<Q4K512, Q4K512.Side>;
                row = &Row<Q4K512, Q4K512.Side>;
                break;
            case (DotPath.Avx512, _):
                row4 = &Row4<Q6K512, Q6K512.Side>;
                row = &Row<Q6K512, Q6K512.Side>;
                break;
            case (_, DataType.Q4_K):
                row = &PortableQ4K;
                break;
            default:
                row = &PortableQ6K;
                break;
        }

        QuantizedDot.Stream(x, w, y, rows, n0, n1, outputs, rowBytes, beta, null, row, row4);
    }

    /// <summary>
    /// Whether <see cref="RowsTwo"/> has a kernel for <paramref name="type"/> on <paramref name="path"/>: both types on
    /// the AVX-512, AVX-VNNI and AVX2 paths (Q4_K with AVX-512 through <see cref="Row4Q4KHeadsTwo"/> where the CPU has
    /// VBMI, <see cref="HeadsKernel"/>, else through the one-row kernel's two-row form).
    /// </summary>
    public static bool HasTwoRowKernel(DotPath path, DataType type) => path is DotPath.Avx512 or DotPath.AvxVnni or DotPath.Avx2;

    /// <summary>
    /// <see cref="Rows"/> for two rows of x, <paramref name="a"/> into <paramref name="ya"/> and <paramref name="b"/>
    /// into <paramref name="yb"/>, W's rows n0..n1 read once for both (<see cref="HasTwoRowKernel"/> must hold).
    /// <paramref name="pa"/> and <paramref name="pb"/>: their values pair-ordered (<see cref="PairOrder"/>; read by
    /// Q4_K's AVX-512 kernel only).
    /// </summary>
    public static void RowsTwo(DotPath path, DataType type, Int8Activations a, Int8Activations b, sbyte* pa, sbyte* pb, byte* w, float* ya, float* yb, int n0, int n1, int outputs, long rowBytes, float beta)
    {
        var quarter = (n1 - n0) / 4;
        switch (path, type)
        {
            case (DotPath.Avx512, DataType.Q4_K) when HeadsKernel:
                Row4Q4KHeadsTwo(w, rowBytes, quarter, a, b, pa, pb, ya + n0, yb + n0, beta);
                break;
            case (DotPath.Avx512, DataType.Q4_K):
                Row4Two<Q4K512, Q4K512.Side>(w, rowBytes, quarter, a, b, ya + n0, yb + n0, beta);
                break;
            case (DotPath.Avx512, _):
                Row4Two<Q6K512, Q6K512.Side>(w, rowBytes, quarter, a, b, ya + n0, yb + n0, beta);
                break;
            case (DotPath.AvxVnni, DataType.Q4_K):
                Row4Two<Q4K<QuantizedDot.VnniDot>, Q4KSide>(w, rowBytes, quarter, a, b, ya + n0, yb + n0, beta);
                break;
            case (DotPath.AvxVnni, _):
                Row4Two<Q6K<QuantizedDot.VnniDot>, Q6KSide>(w, rowBytes, quarter, a, b, ya + n0, yb + n0, beta);
                break;
            case (_, DataType.Q4_K):
                Row4Two<Q4K<QuantizedDot.Avx2Dot>, Q4KSide>(w, rowBytes, quarter, a, b, ya + n0, yb + n0, beta);
                break;
            default:
                Row4Two<Q6K<QuantizedDot.Avx2Dot>, Q6KSide>(w, rowBytes, quarter, a, b, ya + n0, yb + n0, beta);
                break;
        }

        var n = n0 + (4 * quarter);
        if (n < n1)
        {
            // The rows a quarter could not take, for each row of x through the one-row path.
            var rest = w + ((n - n0) * rowBytes);
            Rows(path, type, a, rest, ya, 1, n, n1, outputs, rowBytes, beta);
            Rows(path, type, b, rest, yb, 1, n, n1, outputs, rowBytes, beta);
        }
    }

    /// <summary>
    /// y[i + s·quarter] = x·W[row i + s·quarter] (+ beta·y) for i below <paramref name="quarter"/> and the four streams
    /// s, their super-blocks interleaved, x's side of each super-block loaded once for the four (Q4_K at 512 bits: 13–17 %
    /// more GB/s on a Zen 5 core than loading it per row). The loop over the quarter is the kernel's own: a call per four
    /// rows cost its set-up and stores each time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4<TBlock, TSide>(byte* w, long rowBytes, int quarter, Int8Activations x, float* y, float beta)
        where TBlock : struct, ISuperBlock<TSide>
        where TSide : struct
    {
        var scratch = stackalloc float[8];
        // A local: the static field would cost a class-initialization check per use in code compiled before the class ran.
        var halves = (float*)QuantizedDot.HalfTable;
        var gap = quarter * rowBytes;
        var zeros = (nint*)Zeros;
        nint s0 = zeros[0], s1 = zeros[1], s2 = zeros[2], s3 = zeros[3];
        for (var i = 0; i < quarter; i++, w += rowBytes)
        {
            byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var s = 0; s < x.Blocks / 8; s++)
            {
                var offset = s * TBlock.Bytes;
                var b = 8 * s;
                PrefetchAhead(w0, w1, w2, w3, offset, TBlock.Bytes);

                var side = TBlock.Side(x, b);
                a0 = TBlock.Dot(w0 + offset, side, a0, scratch, halves, s0);
                a1 = TBlock.Dot(w1 + offset, side, a1, scratch, halves, s1);
                a2 = TBlock.Dot(w2 + offset, side, a2, scratch, halves, s2);
                a3 = TBlock.Dot(w3 + offset, side, a3, scratch, halves, s3);
            }

            StoreFour(y + i, quarter, a0, a1, a2, a3, beta);
        }
    }

    /// <summary>
    /// <see cref="Row4{TBlock, TSide}"/> for two rows of x (<paramref name="a"/> into <paramref name="ya"/>,
    /// <paramref name="b"/> into <paramref name="yb"/>): each super-block of the four rows of W is loaded and unpacked
    /// once for both (<see cref="ISuperBlockTwo{TSide}.DotTwo"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Two<TBlock, TSide>(byte* w, long rowBytes, int quarter, Int8Activations a, Int8Activations b, float* ya, float* yb, float beta)
        where TBlock : struct, ISuperBlockTwo<TSide>
        where TSide : struct
    {
        var scratch = stackalloc float[8];
        var halves = (float*)QuantizedDot.HalfTable;
        var gap = quarter * rowBytes;
        var zeros = (nint*)Zeros;
        nint s0 = zeros[0], s1 = zeros[1], s2 = zeros[2], s3 = zeros[3];
        for (var i = 0; i < quarter; i++, w += rowBytes)
        {
            byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            for (var s = 0; s < a.Blocks / 8; s++)
            {
                var offset = s * TBlock.Bytes;
                var blk = 8 * s;
                PrefetchAhead(w0, w1, w2, w3, offset, TBlock.Bytes);

                TSide sideA = TBlock.Side(a, blk), sideB = TBlock.Side(b, blk);
                TBlock.DotTwo(w0 + offset, sideA, sideB, ref a0, ref b0, scratch, halves, s0);
                TBlock.DotTwo(w1 + offset, sideA, sideB, ref a1, ref b1, scratch, halves, s1);
                TBlock.DotTwo(w2 + offset, sideA, sideB, ref a2, ref b2, scratch, halves, s2);
                TBlock.DotTwo(w3 + offset, sideA, sideB, ref a3, ref b3, scratch, halves, s3);
            }

            StoreFour(ya + i, quarter, a0, a1, a2, a3, beta);
            StoreFour(yb + i, quarter, b0, b1, b2, b3, beta);
        }
    }

    /// <summary>The four streams' sums into y[0], y[quarter], y[2·quarter] and y[3·quarter] (+ beta·y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFour(float* y, int quarter, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, float beta)
    {
        QuantizedDot.Store(y, Vector256.Sum(a0), beta);
        QuantizedDot.Store(y + quarter, Vector256.Sum(a1), beta);
        QuantizedDot.Store(y + (2 * quarter), Vector256.Sum(a2), beta);
        QuantizedDot.Store(y + (3 * quarter), Vector256.Sum(a3), beta);
    }

    /// <summary>The lines of the super-block <see cref="AheadBlocks"/> after the one at <paramref name="offset"/> in each of four rows, into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchAhead(byte* w0, byte* w1, byte* w2, byte* w3, int offset, int bytes)
    {
        for (var line = 0; line < bytes; line += 64)
        {
            Sse.Prefetch0(w0 + offset + (AheadBlocks * bytes) + line);
            Sse.Prefetch0(w1 + offset + (AheadBlocks * bytes) + line);
            Sse.Prefetch0(w2 + offset + (AheadBlocks * bytes) + line);
            Sse.Prefetch0(w3 + offset + (AheadBlocks * bytes) + line);
        }
    }

    /// <summary>sums[r] = x[r]·w for every row of x; each super-block is read from memory once and from L1 for the other rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TBlock, TSide>(byte* w, Int8Activations x, int rows, float* sums)
        where TBlock : struct, ISuperBlock<TSide>
        where TSide : struct
    {
        var scratch = stackalloc float[8];
        var halves = (float*)QuantizedDot.HalfTable;
        for (var r = 0; r < rows; r++)
        {
            var row = (long)r * x.Blocks;
            Vector256<float> acc = default;
            for (var s = 0; s < x.Blocks / 8; s++)
            {
                var p = w + (s * TBlock.Bytes);
                if (r == 0)
                {
                    for (var line = 0; line < TBlock.Bytes; line += 64)
                    {
                        Sse.Prefetch0(p + (AheadBlocks * TBlock.Bytes) + line);
                    }
                }

                acc = TBlock.Dot(p, TBlock.Side(x, row + (8 * s)), acc, scratch, halves, 0);
            }

            sums[r] = Vector256.Sum(acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PortableQ4K(byte* w, Int8Activations x, int rows, float* sums)
    {
        new Span<float>(sums, rows).Clear();
        for (var s = 0; s < x.Blocks / 8; s++, w += Q4KBytes)
        {
            float d = QuantizedDot.Scale(w), dmin = QuantizedDot.Scale(w + 2);
            for (var j = 0; j < 8; j++)
            {
                var (sc, m) = QuantizedBlocks.Q4KScaleMin(j, new ReadOnlySpan<byte>(w + 4, 12));
                var q = w + 16 + (32 * (j / 2));
                var shift = 4 * (j % 2);
                for (var r = 0; r < rows; r++)
                {
                    var b = ((long)r * x.Blocks) + (8 * s) + j;
                    var xq = x.Values + (b * Int8Activations.Block);
                    var dot = 0;
                    for (var i = 0; i < 32; i++)
                    {
                        dot += ((q[i] >> shift) & 0x0F) * xq[i];
                    }

                    sums[r] += (d * sc * x.Scales[b] * dot) - (dmin * m * x.Sums[b]);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PortableQ6K(byte* w, Int8Activations x, int rows, float* sums)
    {
        new Span<float>(sums, rows).Clear();
        var codes = stackalloc byte[SuperBlock];
        for (var s = 0; s < x.Blocks / 8; s++, w += Q6KBytes)
        {
            for (var half = 0; half < 2; half++)
            {
                byte* ql = w + (64 * half), qh = w + 128 + (32 * half), c = codes + (128 * half);
                for (var l = 0; l < 32; l++)
                {
                    c[l] = (byte)((ql[l] & 0x0F) | ((qh[l] & 3) << 4));
                    c[l + 32] = (byte)((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4));
                    c[l + 64] = (byte)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
                    c[l + 96] = (byte)((ql[l + 32] >> 4) | ((qh[l] >> 6) << 4));
                }
            }

            var d = QuantizedDot.Scale(w + 208);
            for (var g = 0; g < 16; g++)
            {
                var scale = d * (sbyte)w[192 + g];
                for (var r = 0; r < rows; r++)
                {
                    var b = ((long)r * x.Blocks) + (8 * s) + (g / 2);
                    var xq = x.Values + (b * Int8Activations.Block) + (16 * (g % 2));
                    var dot = 0;
                    for (var i = 0; i < 16; i++)
                    {
                        dot += codes[(16 * g) + i] * xq[i];
                    }

                    sums[r] += scale * ((x.Scales[b] * dot) - (32 * x.HalfSums[(2 * b) + (g % 2)]));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widen(ulong bytes) =>
        Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Vector128.CreateScalar(bytes).AsByte()));

    /// <summary>The 6-bit scales sc and mins m of the Q4_K super-block at <paramref name="w"/>, sub-block k in lane k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Q4KScalesAndMins(byte* w, out Vector256<float> mins)
    {
        var scales = Q4KScaleBytes(w, out var m);
        mins = Widen(m);
        return Widen(scales);
    }

    /// <summary>
    /// The 6-bit scales of the Q4_K super-block at <paramref name="w"/> (sub-block k in byte k), its mins' share
    /// −Σ dmin·m·(d_x·Σx_q) already added to two rows of x's accumulators (x's block sums <paramref name="sumsA"/> and
    /// <paramref name="sumsB"/>): the two-row kernels' shared start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Q4KScalesTakingMins(byte* w, Vector256<float> sumsA, Vector256<float> sumsB, ref Vector256<float> accA, ref Vector256<float> accB, float* halves)
    {
        var scales = Q4KScaleBytes(w, out var mins);
        var m = Widen(mins) * halves[*(ushort*)(w + 2)];
        accA = Fma.MultiplyAddNegated(m, sumsA, accA);
        accB = Fma.MultiplyAddNegated(m, sumsB, accB);
        return scales;
    }

    /// <summary>The 6-bit scales sc and mins m of the Q4_K super-block at <paramref name="w"/>, sub-block k in byte k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Q4KScaleBytes(byte* w, out ulong mins)
    {
        // The packing of QuantizedBlocks.Q4KScaleMin on all eight bytes at once: sub-blocks 0-3 keep the low 6 bits
        // of bytes 0-3 (scales) and 4-7 (mins); 4-7 take the nibbles of bytes 8-11 and, as bits 4-5, the top 2 bits
        // of bytes 0-3 (scales) and 4-7 (mins).
        var packed = *(ulong*)(w + 4);
        var high = *(uint*)(w + 12);
        uint first = (uint)packed, second = (uint)(packed >> 32);
        mins = (second & 0x3f3f3f3fu) | ((ulong)(((high >> 4) & 0x0f0f0f0fu) | ((second >> 2) & 0x30303030u)) << 32);
        return (first & 0x3f3f3f3fu) | ((ulong)((high & 0x0f0f0f0fu) | ((first >> 2) & 0x30303030u)) << 32);
    }

    /// <summary>
    /// A ggml super-block of 256 weights dotted with x's 8 blocks from <c>block</c> (an index into x's blocks), whose
    /// side of the product (<typeparamref name="TSide"/>: x's values and its blocks' scales and sums, as the block's
    /// kernel wants them in registers) is loaded once and shared by the rows that meet the same blocks of x.
    /// </summary>
    private interface ISuperBlock<TSide>
        where TSide : struct
    {
        static abstract int Bytes { get; }

        static abstract TSide Side(Int8Activations x, long block);

        /// <summary>
        /// acc plus the super-block at <paramref name="w"/> times x's side of it. <paramref name="salt"/> is 0, but one
        /// the JIT cannot see (read from memory, a different address per row of <see cref="Row4{TBlock, TSide}"/>): a
        /// kernel that adds it to x's address keeps the JIT from loading x's values once for the four rows and holding
        /// them across the four (eight registers of sixteen on AVX2, spilled with much else: 111 stack accesses in
        /// the 256-bit Q6_K loop against 47 with it, and 12–14 % more GB/s in cache).
        /// </summary>
        static abstract Vector256<float> Dot(byte* w, in TSide x, Vector256<float> acc, float* scratch, float* halves, nint salt);
    }

    /// <summary>A super-block kernel with a form for two rows of x (<see cref="Row4Two{TBlock, TSide}"/>).</summary>
    private interface ISuperBlockTwo<TSide> : ISuperBlock<TSide>
        where TSide : struct
    {
        /// <summary>
        /// <see cref="ISuperBlock{TSide}.Dot"/> for two rows of x (<paramref name="a"/> into <paramref name="accA"/>,
        /// <paramref name="b"/> into <paramref name="accB"/>): the super-block's codes unpacked and its scales placed
        /// once for both; only the integer products and the final scaling are per row of x.
        /// </summary>
        static abstract void DotTwo(byte* w, in TSide a, in TSide b, ref Vector256<float> accA, ref Vector256<float> accB, float* scratch, float* halves, nint salt);
    }

    /// <summary>x's side of a Q4_K super-block at 256 bits: its values (read by the kernel's multiplies), d_x and d_x·Σx_q per block.</summary>
    private readonly struct Q4KSide(sbyte* values, Vector256<float> scales, Vector256<float> sums)
    {
        public sbyte* Values { get; } = values;

        public Vector256<float> Scales { get; } = scales;

        public Vector256<float> Sums { get; } = sums;

        public static Q4KSide Load(Int8Activations x, long block) =>
            new(x.Values + (block * Int8Activations.Block), Vector256.Load(x.Scales + block), Vector256.Load(x.Sums + block));
    }

    /// <summary>
    /// fp16 d and dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles: bytes 32j..32j+31 hold sub-block 2j in
    /// their low nibbles and 2j+1 in their high ones. The 6-bit scales go inside the integer products (since
    /// 2026-12-05): each block's codes times x by <c>vpmaddubsw</c> (16-bit pair sums, at most 2·15·127), those times the
    /// block's scale into the super-block's one int32 sum (<c>vpdpwssd</c>, or <c>vpmaddwd</c> and an add; at most
    /// 8·2·3810·63 in a lane), then one conversion and one FMA by d·d_x per super-block, where converting and scaling
    /// every block took about 52 vector instructions per row and super-block (60 on plain AVX2) against 40 (48) now.
    /// Needs x quantized per super-block (one d_x for its eight blocks). In-process A/B on Zen 5 with AVX-512 off
    /// (`gemv types=q4_k threads=1`, the two kernels alternating per round): AVX-VNNI 10–14 % and plain AVX2 15–20 %
    /// more GB/s of weights from DRAM.
    /// </summary>
    private readonly struct Q4K<TDot> : ISuperBlockTwo<Q4KSide>
        where TDot : struct, QuantizedDot.IInt8Dot
    {
        public static int Bytes => Q4KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Q4KSide Side(Int8Activations x, long block) => Q4KSide.Load(x, block);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Q4KSide x, Vector256<float> acc, float* scratch, float* halves, nint salt)
        {
            var scales = Q4KScaleBytes(w, out var mins);
            // The mins in fp32: −Σ dmin·m·(d_x·Σx_q).
            acc = Fma.MultiplyAddNegated(Widen(mins) * halves[*(ushort*)(w + 2)], x.Sums, acc);
            // Block k's scale in both halves of dword k, for vpmaddwd's pairs; read back one dword per block.
            var sc = Avx2.ConvertToVector256Int32(Vector128.CreateScalar(scales).AsByte());
            (sc | Vector256.ShiftLeft(sc, 16)).Store((int*)scratch);
            var pair = (int*)scratch;

            var xq = x.Values;
            var nibble = Vector256.Create((byte)0x0F);
            var sum = Vector256<int>.Zero;
            for (var j = 0; j < 4; j++)
            {
                var q = Vector256.Load(w + 16 + (32 * j));
                var low = Avx2.MultiplyAddAdjacent(q & nibble, Vector256.Load(xq + (64 * j)));
                sum = TDot.PairsAdd(sum, low, Vector256.Create(pair[2 * j]).AsInt16());
                var high = Avx2.MultiplyAddAdjacent(Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & nibble, Vector256.Load(xq + (64 * j) + 32));
                sum = TDot.PairsAdd(sum, high, Vector256.Create(pair[(2 * j) + 1]).AsInt16());
            }

            return Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(halves[*(ushort*)w] * x.Scales.ToScalar()), acc);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void DotTwo(byte* w, in Q4KSide a, in Q4KSide b, ref Vector256<float> accA, ref Vector256<float> accB, float* scratch, float* halves, nint salt)
        {
            var scales = Q4KScalesTakingMins(w, a.Sums, b.Sums, ref accA, ref accB, halves);
            var sc = Avx2.ConvertToVector256Int32(Vector128.CreateScalar(scales).AsByte());
            (sc | Vector256.ShiftLeft(sc, 16)).Store((int*)scratch);
            var pair = (int*)scratch;

            // The salt keeps the JIT from holding the two rows' 512 bytes of x in registers across the four rows of W.
            sbyte* xa = a.Values + salt, xb = b.Values + salt;
            var nibble = Vector256.Create((byte)0x0F);
            Vector256<int> sumA = Vector256<int>.Zero, sumB = Vector256<int>.Zero;
            for (var j = 0; j < 4; j++)
            {
                var q = Vector256.Load(w + 16 + (32 * j));
                var codes = q & nibble;
                var s = Vector256.Create(pair[2 * j]).AsInt16();
                sumA = TDot.PairsAdd(sumA, Avx2.MultiplyAddAdjacent(codes, Vector256.Load(xa + (64 * j))), s);
                sumB = TDot.PairsAdd(sumB, Avx2.MultiplyAddAdjacent(codes, Vector256.Load(xb + (64 * j))), s);
                codes = Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & nibble;
                s = Vector256.Create(pair[(2 * j) + 1]).AsInt16();
                sumA = TDot.PairsAdd(sumA, Avx2.MultiplyAddAdjacent(codes, Vector256.Load(xa + (64 * j) + 32)), s);
                sumB = TDot.PairsAdd(sumB, Avx2.MultiplyAddAdjacent(codes, Vector256.Load(xb + (64 * j) + 32)), s);
            }

            var d = halves[*(ushort*)w];
            accA = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(sumA), Vector256.Create(d * a.Scales.ToScalar()), accA);
            accB = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(sumB), Vector256.Create(d * b.Scales.ToScalar()), accB);
        }
    }

    /// <summary>x's side of <see cref="Q6K{TDot}"/>: its values, its one d_x, and 16·Σ₁₆x_q of its sixteen groups, even groups in the low lane.</summary>
    private readonly struct Q6KSide
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Q6KSide(Int8Activations x, long block)
        {
            Values = x.Values + (block * Int8Activations.Block);
            Dx = x.Scales[block];
            // Words [0, 2, 4, 6, 1, 3, 5, 7] within each lane, then the lanes' even quarters before their odd ones.
            var sums = Avx2.Shuffle(Vector256.Load(x.HalfIntSums + (2 * block)).AsByte(), Vector256.Create((byte)0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15, 0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15));
            Offsets = Vector256.ShiftLeft(Avx2.Permute4x64(sums.AsUInt64(), 0b11_01_10_00).AsInt16(), 4);
        }

        public sbyte* Values { get; }

        public float Dx { get; }

        public Vector256<short> Offsets { get; }
    }

    /// <summary>
    /// 128 bytes of low nibbles, 64 of high 2-bit pairs, 16 int8 scales (one per 16 values), fp16 d. In each half of
    /// 128 values, byte l of the 32 high bytes holds bits 4-5 of values l, l+32, l+64 and l+96. The int8 scales go
    /// inside the integer products (since 2026-12-05): each 32 codes times x by <c>vpmaddubsw</c> (16-bit pair sums, at
    /// most 2·63·127), those times their group's scale into one int32 sum per super-block (<c>vpdpwssd</c>, or
    /// <c>vpmaddwd</c> and an add; at most 8·2·16002·128 plus the offset in a lane), the codes' offset of 32 in the
    /// same sum through x's group sums, then one conversion and one FMA by d·d_x. The scale of each 32 codes is a word
    /// of one register broadcast by <c>vpshufd</c> with an immediate: no mask or index register, which the JIT, short
    /// of sixteen registers for four rows, spilled. The float form it replaces (per-block conversions, coefficients
    /// permuted per block) took about 90 vector instructions per row and super-block against about 70. On Zen 5 with
    /// AVX-512 off (`gemv types=q6_k threads=1`, in-process A/B and alternating builds): 25–28 against 20–22 GB/s from
    /// DRAM with AVX-VNNI, 25–29 against 19–22 on plain AVX2 (12–15 % of it is the integer form, the rest the salt).
    /// </summary>
    private readonly struct Q6K<TDot> : ISuperBlockTwo<Q6KSide>
        where TDot : struct, QuantizedDot.IInt8Dot
    {
        public static int Bytes => Q6KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Q6KSide Side(Int8Activations x, long block) => new(x, block);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Q6KSide x, Vector256<float> acc, float* scratch, float* halves, nint salt)
        {
            // The 16 scales as words, even groups in the low lane and odd ones in the high: the word j of both lanes
            // scales the 32 codes j of the super-block (groups 2j and 2j + 1).
            var p = Avx2.ConvertToVector256Int16(Ssse3.Shuffle(Vector128.Load((sbyte*)(w + 192)), Vector128.Create((sbyte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15)));
            // −32·Σ sc·Σ₁₆x_q, as 2·sc times x's 16·Σ₁₆x_q (words: 16·16·127 fits int16, 32· would not).
            var sum = Vector256<int>.Zero - Avx2.MultiplyAddAdjacent(p + p, x.Offsets);
            var xq = x.Values + salt;
            sum = Half(w, w + 128, xq, p, sum, false);
            sum = Half(w + 64, w + 160, xq + 128, p, sum, true);
            return Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(sum), Vector256.Create(halves[*(ushort*)(w + 208)] * x.Dx), acc);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void DotTwo(byte* w, in Q6KSide a, in Q6KSide b, ref Vector256<float> accA, ref Vector256<float> accB, float* scratch, float* halves, nint salt)
        {
            var p = Avx2.ConvertToVector256Int16(Ssse3.Shuffle(Vector128.Load((sbyte*)(w + 192)), Vector128.Create((sbyte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15)));
            var twice = p + p;
            Vector256<int> sumA = Vector256<int>.Zero - Avx2.MultiplyAddAdjacent(twice, a.Offsets), sumB = Vector256<int>.Zero - Avx2.MultiplyAddAdjacent(twice, b.Offsets);
            sbyte* xa = a.Values + salt, xb = b.Values + salt;
            (sumA, sumB) = HalfTwo(w, w + 128, xa, xb, p, sumA, sumB, false);
            (sumA, sumB) = HalfTwo(w + 64, w + 160, xa + 128, xb + 128, p, sumA, sumB, true);
            var d = halves[*(ushort*)(w + 208)];
            accA = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(sumA), Vector256.Create(d * a.Dx), accA);
            accB = Vector256.FusedMultiplyAdd(Avx.ConvertToVector256Single(sumB), Vector256.Create(d * b.Dx), accB);
        }

        /// <summary><see cref="Half"/> for two rows of x: each group of codes assembled and its scale broadcast once for both.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<int> A, Vector256<int> B) HalfTwo(byte* ql, byte* qh, sbyte* xa, sbyte* xb, Vector256<short> p, Vector256<int> sumA, Vector256<int> sumB, bool second)
        {
            var pairs = (second ? Avx2.UnpackHigh(p, p) : Avx2.UnpackLow(p, p)).AsInt32();
            var low = Vector256.Create((byte)0x0F);
            var bits45 = Vector256.Create((byte)0x30);
            var h = Vector256.Load(qh).AsUInt16();
            var a = Vector256.Load(ql);
            var q = (a & low) | (Vector256.ShiftLeft(h, 4).AsByte() & bits45);
            var s = Avx2.Shuffle(pairs, 0x00).AsInt16();
            sumA = TDot.PairsAdd(sumA, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xa)), s);
            sumB = TDot.PairsAdd(sumB, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xb)), s);
            q = (Vector256.ShiftRightLogical(a.AsUInt16(), 4).AsByte() & low) | (h.AsByte() & bits45);
            s = Avx2.Shuffle(pairs, 0xAA).AsInt16();
            sumA = TDot.PairsAdd(sumA, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xa + 64)), s);
            sumB = TDot.PairsAdd(sumB, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xb + 64)), s);
            var c = Vector256.Load(ql + 32);
            q = (c & low) | (Vector256.ShiftLeft(h, 2).AsByte() & bits45);
            s = Avx2.Shuffle(pairs, 0x55).AsInt16();
            sumA = TDot.PairsAdd(sumA, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xa + 32)), s);
            sumB = TDot.PairsAdd(sumB, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xb + 32)), s);
            q = (Vector256.ShiftRightLogical(c.AsUInt16(), 4).AsByte() & low) | (Vector256.ShiftRightLogical(h, 2).AsByte() & bits45);
            s = Avx2.Shuffle(pairs, 0xFF).AsInt16();
            return (
                TDot.PairsAdd(sumA, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xa + 96)), s),
                TDot.PairsAdd(sumB, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xb + 96)), s));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Half(byte* ql, byte* qh, sbyte* xq, Vector256<short> p, Vector256<int> sum, bool second)
        {
            // Word j of each lane in both halves of dword j: vpshufd's immediates then broadcast it (no mask register).
            var pairs = (second ? Avx2.UnpackHigh(p, p) : Avx2.UnpackLow(p, p)).AsInt32();
            var low = Vector256.Create((byte)0x0F);
            var bits45 = Vector256.Create((byte)0x30);
            var h = Vector256.Load(qh).AsUInt16();
            var a = Vector256.Load(ql);
            var q = (a & low) | (Vector256.ShiftLeft(h, 4).AsByte() & bits45);
            sum = TDot.PairsAdd(sum, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xq)), Avx2.Shuffle(pairs, 0x00).AsInt16());
            q = (Vector256.ShiftRightLogical(a.AsUInt16(), 4).AsByte() & low) | (h.AsByte() & bits45);
            sum = TDot.PairsAdd(sum, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xq + 64)), Avx2.Shuffle(pairs, 0xAA).AsInt16());
            var b = Vector256.Load(ql + 32);
            q = (b & low) | (Vector256.ShiftLeft(h, 2).AsByte() & bits45);
            sum = TDot.PairsAdd(sum, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xq + 32)), Avx2.Shuffle(pairs, 0x55).AsInt16());
            q = (Vector256.ShiftRightLogical(b.AsUInt16(), 4).AsByte() & low) | (Vector256.ShiftRightLogical(h, 2).AsByte() & bits45);
            return TDot.PairsAdd(sum, Avx2.MultiplyAddAdjacent(q, Vector256.Load(xq + 96)), Avx2.Shuffle(pairs, 0xFF).AsInt16());
        }
    }
}
