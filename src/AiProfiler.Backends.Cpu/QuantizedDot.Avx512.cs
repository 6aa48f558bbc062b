using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The AVX-512 form of Q4_0 at batch 1: four blocks of a row per step in one 512-bit register (each 128-bit lane one
// block's 16 code bytes), so the unpacking, the integer sums, the conversion and the FMA are one instruction for 128
// weights. .NET 10 has no 512-bit vpdpbusd for AVX512_VNNI, so the products go through vpmaddubsw + vpmaddwd.
//
// x's side of a step (its values split into the blocks' halves, d_x·2¹¹², −8·Σx) is built once per call
// (Int8Activations.PrepareQ4Steps), and the four rows read together share their scales' work: one register holds
// the sixteen fp16 scales of the four rows' four blocks (two two-table word permutes of the rows' first 64 bytes),
// and the fp16 scale d_w meets x's d_x in one FMA for all sixteen: WeightDecoder.HalfToSingle's shift and mask leave
// d_w·2⁻¹¹² in fp32 bits, and x's side carries d_x·2¹¹², so their product is d_w·d_x exactly as the full conversion
// and a multiply give it (both factors' powers of two are exact). Q4_0's offset of 8 is one FMA per step for the
// four rows too (−8·Σx times those sixteen scales, summed apart), not an add per row. Each row then takes its
// block scales with one dword permute. Zen 5 runs this loop at about 2.3 vector instructions a cycle whatever their
// kind, so what counts is how many there are: 53 per step of four rows against 68 before these changes (one-core
// GEMV in cache 37–38 → 42–45 GB/s, see the README).
//
// Two cases the shortcut would get wrong take the exact 256-bit block kernel for the four rows instead: a weight
// scale that is infinite or NaN (found after the loop from the largest scale magnitude seen, one AND and one max per
// step for the four rows), and an x scale of 2¹⁶ or more (|x| above 8.3 million in a block;
// Int8Activations.HasLargeScales, and then no Steps), whose d_x·2¹¹² would overflow.
internal static unsafe partial class QuantizedDot
{
    // Blocks per 512-bit step.
    private const int Step = 4;

    /// <summary>
    /// dots[s] = x·W[row s·gap] for four rows, <see cref="Step"/> blocks per step, the remaining blocks (and every block
    /// where x has no <see cref="Int8Activations.Steps"/>) through the 256-bit block kernel of <typeparamref name="TDot"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Q4Avx512<TDot, TCodes>(byte* w, long gap, Int8Activations x, float* dots)
        where TDot : struct, IInt8Dot
        where TCodes : struct, ICodeGather
    {
        var halves = (float*)HalfTable;
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var blocks = x.Blocks;
        var peak = Vector512<uint>.Zero;
        // With a large d_x no step runs: the block loop below takes the whole row.
        var steps = x.Steps == null ? 0 : blocks;
        var b = 0;
        Vector512<float> offsets = default;
        for (; b + Step <= steps; b += Step)
        {
            // One line per row and step of 72 bytes: a second (all of the step) measured slower, the hardware
            // prefetcher covering the rest.
            var offset = b * Q4Block.Bytes;
            Prefetch4(w0 + offset + Ahead, gap);

            var step = x.Steps + (b * 64);
            var low = Vector512.Load((sbyte*)step);
            var high = Vector512.Load((sbyte*)(step + 64));
            byte* p0 = w0 + offset, p1 = w1 + offset, p2 = w2 + offset, p3 = w3 + offset;
            var q0 = Vector512.Load(p0);
            var q1 = Vector512.Load(p1);
            var q2 = Vector512.Load(p2);
            var q3 = Vector512.Load(p3);

            // The peak keeps the scales' largest magnitude (a local, not a ref: a ref parameter kept it in memory).
            var top = StepScales(q0, q1, q2, q3);
            peak = Vector512.Max(peak, Magnitude(top));
            // d_w·2⁻¹¹² in fp32 bits (sign, exponent and mantissa moved into place), times d_x·2¹¹²: d_w·d_x. An FMA
            // adding −0, not a multiply: a subnormal d_w is a denormal here, which a Zen 5 multiply takes on a slow path.
            var bits = Vector512.ShiftRightArithmetic(top, 3) & Vector512.Create(unchecked((int)0x8fffe000));
            var scales = Vector512.FusedMultiplyAdd(bits.AsSingle(), Vector512.Load((float*)(step + 128)), Vector512.Create(-0f));
            // −8·Σx per block, times the block's scale, for the four rows at once.
            offsets = Vector512.FusedMultiplyAdd(scales, Vector512.Load((float*)(step + 192)), offsets);

            a0 = Step4<TCodes>(p0, q0, Avx512F.PermuteVar16x32(scales, RowLanes(0)), low, high, a0);
            a1 = Step4<TCodes>(p1, q1, Avx512F.PermuteVar16x32(scales, RowLanes(1)), low, high, a1);
            a2 = Step4<TCodes>(p2, q2, Avx512F.PermuteVar16x32(scales, RowLanes(2)), low, high, a2);
            a3 = Step4<TCodes>(p3, q3, Avx512F.PermuteVar16x32(scales, RowLanes(3)), low, high, a3);
        }

        // An infinite or NaN weight scale (exponent all ones): the four rows again, exactly, block by block.
        if (Vector512.GreaterThanOrEqualAny(peak, Vector512.Create(0x7c000000u)))
        {
            a0 = a1 = a2 = a3 = offsets = default;
            b = 0;
        }

        Vector256<float> t0 = a0.GetLower() + a0.GetUpper(), t1 = a1.GetLower() + a1.GetUpper();
        Vector256<float> t2 = a2.GetLower() + a2.GetUpper(), t3 = a3.GetLower() + a3.GetUpper();
        // Row r's offsets are lanes 4r to 4r + 3: added to one lane each of the row's sum.
        var o = offsets.GetLower();
        var o2 = offsets.GetUpper();
        t0 += Vector256.Create(o.GetLower(), Vector128<float>.Zero);
        t1 += Vector256.Create(o.GetUpper(), Vector128<float>.Zero);
        t2 += Vector256.Create(o2.GetLower(), Vector128<float>.Zero);
        t3 += Vector256.Create(o2.GetUpper(), Vector128<float>.Zero);
        for (; b < blocks; b++)
        {
            var offset = b * Q4Block.Bytes;
            var xq = Vector256.Load(x.Values + (b * 32));
            var dx = x.Scales[b];
            var bias = Bias<Q4Block>(x, b);
            t0 = Block<Q4Block, TDot>(w0 + offset, xq, dx, bias, t0, halves);
            t1 = Block<Q4Block, TDot>(w1 + offset, xq, dx, bias, t1, halves);
            t2 = Block<Q4Block, TDot>(w2 + offset, xq, dx, bias, t2, halves);
            t3 = Block<Q4Block, TDot>(w3 + offset, xq, dx, bias, t3, halves);
        }

        dots[0] = Vector256.Sum(t0);
        dots[1] = Vector256.Sum(t1);
        dots[2] = Vector256.Sum(t2);
        dots[3] = Vector256.Sum(t3);
    }

    /// <summary>
    /// <see cref="Row4Q4Avx512{TDot, TCodes}"/> for two rows of x (<paramref name="x"/> into dots 0-3,
    /// <paramref name="z"/> into 4-7): each step's codes are gathered and split, and its weight scales converted, once
    /// for both; only the products, the scaling by d_x and the FMA are per row of x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Q4Avx512Two<TDot, TCodes>(byte* w, long gap, Int8Activations x, Int8Activations z, float* dots)
        where TDot : struct, IInt8Dot
        where TCodes : struct, ICodeGather
    {
        var halves = (float*)HalfTable;
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, c0 = default, c1 = default, c2 = default, c3 = default;
        var blocks = x.Blocks;
        var peak = Vector512<uint>.Zero;
        var steps = x.Steps == null || z.Steps == null ? 0 : blocks;
        var b = 0;
        Vector512<float> offsetsX = default, offsetsZ = default;
        for (; b + Step <= steps; b += Step)
        {
            var offset = b * Q4Block.Bytes;
            Prefetch4(w0 + offset + Ahead, gap);

            byte* stepX = x.Steps + (b * 64), stepZ = z.Steps + (b * 64);
            byte* p0 = w0 + offset, p1 = w1 + offset, p2 = w2 + offset, p3 = w3 + offset;
            var q0 = Vector512.Load(p0);
            var q1 = Vector512.Load(p1);
            var q2 = Vector512.Load(p2);
            var q3 = Vector512.Load(p3);
            var top = StepScales(q0, q1, q2, q3);
            peak = Vector512.Max(peak, Magnitude(top));
            var bits = (Vector512.ShiftRightArithmetic(top, 3) & Vector512.Create(unchecked((int)0x8fffe000))).AsSingle();
            var scalesX = Vector512.FusedMultiplyAdd(bits, Vector512.Load((float*)(stepX + 128)), Vector512.Create(-0f));
            var scalesZ = Vector512.FusedMultiplyAdd(bits, Vector512.Load((float*)(stepZ + 128)), Vector512.Create(-0f));
            offsetsX = Vector512.FusedMultiplyAdd(scalesX, Vector512.Load((float*)(stepX + 192)), offsetsX);
            offsetsZ = Vector512.FusedMultiplyAdd(scalesZ, Vector512.Load((float*)(stepZ + 192)), offsetsZ);

            (a0, c0) = Step4Two<TCodes>(p0, q0, scalesX, scalesZ, RowLanes(0), stepX, stepZ, a0, c0);
            (a1, c1) = Step4Two<TCodes>(p1, q1, scalesX, scalesZ, RowLanes(1), stepX, stepZ, a1, c1);
            (a2, c2) = Step4Two<TCodes>(p2, q2, scalesX, scalesZ, RowLanes(2), stepX, stepZ, a2, c2);
            (a3, c3) = Step4Two<TCodes>(p3, q3, scalesX, scalesZ, RowLanes(3), stepX, stepZ, a3, c3);
        }

        if (Vector512.GreaterThanOrEqualAny(peak, Vector512.Create(0x7c000000u)))
        {
            a0 = a1 = a2 = a3 = c0 = c1 = c2 = c3 = offsetsX = offsetsZ = default;
            b = 0;
        }

        Sums(a0, a1, a2, a3, offsetsX, dots);
        Sums(c0, c1, c2, c3, offsetsZ, dots + 4);
        for (; b < blocks; b++)
        {
            // The blocks after the last step, or all of them (a large d_x, an infinite weight scale): block by block.
            var offset = b * Q4Block.Bytes;
            BlockOfFour<TDot>(w0 + offset, gap, x, b, dots, halves);
            BlockOfFour<TDot>(w0 + offset, gap, z, b, dots + 4, halves);
        }
    }

    /// <summary>dots[r] += x's block <paramref name="b"/> times the block at <paramref name="p"/> + r·gap, for the four rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockOfFour<TDot>(byte* p, long gap, Int8Activations x, int b, float* dots, float* halves)
        where TDot : struct, IInt8Dot
    {
        var xq = Vector256.Load(x.Values + (b * 32));
        var dx = x.Scales[b];
        var bias = Bias<Q4Block>(x, b);
        for (var r = 0; r < 4; r++)
        {
            dots[r] += Vector256.Sum(Block<Q4Block, TDot>(p + (r * gap), xq, dx, bias, default, halves));
        }
    }

    /// <summary>dots[r] = row r's step sums (<paramref name="a0"/>–<paramref name="a3"/>) plus its offsets (lanes 4r to 4r + 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sums(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> offsets, float* dots)
    {
        var o = offsets.GetLower();
        var o2 = offsets.GetUpper();
        dots[0] = Vector256.Sum(a0.GetLower() + a0.GetUpper()) + Vector128.Sum(o.GetLower());
        dots[1] = Vector256.Sum(a1.GetLower() + a1.GetUpper()) + Vector128.Sum(o.GetUpper());
        dots[2] = Vector256.Sum(a2.GetLower() + a2.GetUpper()) + Vector128.Sum(o2.GetLower());
        dots[3] = Vector256.Sum(a3.GetLower() + a3.GetUpper()) + Vector128.Sum(o2.GetUpper());
    }

    /// <summary>
    /// <see cref="Step4{TCodes}"/> for two rows of x: the step's codes gathered and split once, each row's products
    /// scaled by its own d_w·d_x (<paramref name="scalesX"/>, <paramref name="scalesZ"/>, permuted by <paramref name="lanes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> X, Vector512<float> Z) Step4Two<TCodes>(
        byte* p, Vector512<byte> first, Vector512<float> scalesX, Vector512<float> scalesZ, Vector512<int> lanes, byte* stepX, byte* stepZ, Vector512<float> accX, Vector512<float> accZ)
        where TCodes : struct, ICodeGather
    {
        var codes = TCodes.Codes(p, first);
        var low = codes & Vector512.Create((byte)0x0F);
        var high = TCodes.High(codes);
        var ones = Vector512.Create((short)1);
        var pairsX = Avx512BW.MultiplyAddAdjacent(low, Vector512.Load((sbyte*)stepX)) + Avx512BW.MultiplyAddAdjacent(high, Vector512.Load((sbyte*)(stepX + 64)));
        var pairsZ = Avx512BW.MultiplyAddAdjacent(low, Vector512.Load((sbyte*)stepZ)) + Avx512BW.MultiplyAddAdjacent(high, Vector512.Load((sbyte*)(stepZ + 64)));
        return (
            Vector512.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(pairsX, ones)), Avx512F.PermuteVar16x32(scalesX, lanes), accX),
            Vector512.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(pairsZ, ones)), Avx512F.PermuteVar16x32(scalesZ, lanes), accZ));
    }

    /// <summary>
    /// acc plus four Q4_0 blocks at <paramref name="p"/> (whose first 64 bytes are <paramref name="first"/>) times x's
    /// four blocks without the offset of 8, lane-wise (summed by the caller), each block's four lanes scaled by its
    /// d_w·d_x in <paramref name="scales"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step4<TCodes>(byte* p, Vector512<byte> first, Vector512<float> scales, Vector512<sbyte> low, Vector512<sbyte> high, Vector512<float> acc)
        where TCodes : struct, ICodeGather
    {
        var codes = TCodes.Codes(p, first);
        var mask = Vector512.Create((byte)0x0F);
        // Code pair sums are at most 2·15·127 each, so the two halves' sum fits int16.
        var pairs = Avx512BW.MultiplyAddAdjacent(codes & mask, low)
            + Avx512BW.MultiplyAddAdjacent(TCodes.High(codes), high);
        var dot = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
        return Vector512.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(dot), scales, acc);
    }

    /// <summary>
    /// The sixteen scales of a step's four rows' four blocks (the rows' first 64 bytes), lane 4r + j row r's block j,
    /// fp16 bits in the top half of each lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> StepScales(Vector512<byte> q0, Vector512<byte> q1, Vector512<byte> q2, Vector512<byte> q3) => Avx512F.InsertVector256(
        Avx512BW.PermuteVar32x16x2(q0.AsInt16(), RowScaleWords(), q1.AsInt16()),
        Avx512BW.PermuteVar32x16x2(q2.AsInt16(), RowScaleWords(), q3.AsInt16()).GetLower(),
        1).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Magnitude(Vector512<int> top) => (top & Vector512.Create(0x7fff0000)).AsUInt32();

    // Constants as methods, not static fields: a static field read costs a class-initialization check in code compiled
    // optimized from the first call, and the call behind it made the JIT keep the accumulators in memory.

    // Dword lanes 0-3 take words 0, 9, 18, 27 of the first table (its four block scales), lanes 4-7 the same words of
    // the second, in both halves (the top one counts); lanes 8-15 are not used.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> RowScaleWords() => Vector512.Create(
        0, 0, 9, 9, 18, 18, 27, 27, 32, 32, 41, 41, 50, 50, 59, 59, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    // Lane j takes row r's block j/4: lane 4r + j/4 of the step's scales.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> RowLanes(int r) => Vector512.Create(4 * r) + BlockLanes();

    /// <summary>The 64 code bytes of a step's four Q4_0 blocks at <c>p</c>, one block per 128-bit lane.</summary>
    internal interface ICodeGather
    {
        static abstract Vector512<byte> Codes(byte* p, Vector512<byte> first);

        /// <summary>Each code byte's high nibble, in the low nibble of its byte.</summary>
        static abstract Vector512<byte> High(Vector512<byte> codes);
    }

    /// <summary>Four 16-byte loads joined by inserts, the high nibbles by a shift and a mask: any AVX-512BW CPU.</summary>
    internal readonly struct InsertedCodes : ICodeGather
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> High(Vector512<byte> codes) => Vector512.ShiftRightLogical(codes.AsUInt16(), 4).AsByte() & Vector512.Create((byte)0x0F);

        // Inserted into a register, not built through memory, as Vector512.Create of two halves compiles to.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Codes(byte* p, Vector512<byte> first) => Avx512F.InsertVector256(
            Vector256.Create(Vector128.Load(p + 2), Vector128.Load(p + 20)).ToVector512Unsafe(),
            Vector256.Create(Vector128.Load(p + 38), Vector128.Load(p + 56)),
            1);
    }

    /// <summary>
    /// One two-table byte permute (AVX512_VBMI's <c>vpermt2b</c>) of the step's first 64 bytes and its last 16: three
    /// instructions instead of seven: a Q4_0 GEMV on one Zen 5 core 6–9 % faster from DRAM and in cache (see the README).
    /// The high nibbles in one GFNI affine transform (each byte times the bit matrix that shifts it right by 4) instead
    /// of a shift and a mask: 3–5 % more in cache. Every CPU with AVX512_VBMI but Cannon Lake has GFNI; the path takes
    /// both.
    /// </summary>
    internal readonly struct PermutedCodes : ICodeGather
    {
        // Row i of the matrix (byte 7 − i of each qword) picks bit i + 4 for output bit i < 4, nothing for the rest.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> High(Vector512<byte> codes) =>
            Gfni.V512.GaloisFieldAffineTransform(codes, Vector512.Create(0x1020408000000000ul).AsByte(), 0);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Codes(byte* p, Vector512<byte> first) =>
            Avx512Vbmi.PermuteVar64x8x2(first, CodeBytes(), Vector128.Load(p + 56).ToVector256Unsafe().ToVector512Unsafe());
    }

    // The four blocks' 16 code bytes each, one block per 128-bit lane: blocks 0-2 from the step's first 64 bytes
    // (18k + 2 on), block 3 from the second table, bytes 56-71 of the step loaded on their own (64 + j).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> CodeBytes() => Vector512.Create(
        (byte)2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
        20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
        38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
        64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79);

    // Lane j takes element j/4: a block's value spread over its four lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> BlockLanes() => Vector512.Create(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
}
