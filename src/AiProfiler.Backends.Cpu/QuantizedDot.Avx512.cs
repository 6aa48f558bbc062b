using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The AVX-512 form of Q4_0 at batch 1: four blocks of a row per step in one 512-bit register (each 128-bit lane one
// block's 16 code bytes), so the unpacking, the integer sums, the conversion and the FMA are one instruction for 128
// weights, and the four fp16 scales are converted in registers (one vpermw puts each block's scale in its four lanes)
// instead of one table load, multiply and broadcast per block. .NET 10 has no 512-bit vpdpbusd for AVX512_VNNI, so
// the products go through vpmaddubsw + vpmaddwd.
//
// The fp16 scale d_w meets x's d_x in one FMA: WeightDecoder.HalfToSingle's shift and mask leave d_w·2⁻¹¹² in fp32
// bits, and x's side carries d_x·2¹¹², so their product is d_w·d_x exactly as the full conversion and a multiply give
// it (both factors' powers of two are exact). That drops the conversion's rebasing FMA, its infinity/NaN repair and
// the multiply: Q4_0's GEMV on one Zen 5 core read 37–40 GB/s in cache against 31–33 (see the README). Two cases the
// shortcut would get wrong take the exact 256-bit block kernel for the four rows instead: a weight scale that is
// infinite or NaN (found after the loop from the largest scale magnitude seen, one max per row and step), and an x
// scale of 2¹⁶ or more (|x| above 8.3 million in a block; Int8Activations.HasLargeScales), whose d_x·2¹¹² would
// overflow.
internal static unsafe partial class QuantizedDot
{
    // Blocks per 512-bit step.
    private const int Step = 4;

    /// <summary>
    /// dots[s] = x·W[row s·gap] for four rows, <see cref="Step"/> blocks per step, the remaining blocks through the
    /// 256-bit block kernel of <typeparamref name="TDot"/>. x's side of a step (its values split into each block's first
    /// and second 16, its scales and its offsets spread over the lanes of their block) is built once for the four rows.
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
        var steps = x.HasLargeScales ? 0 : blocks;
        var b = 0;
        for (; b + Step <= steps; b += Step)
        {
            // One line per row and step of 72 bytes: a second (all of the step) measured slower, the hardware
            // prefetcher covering the rest.
            var offset = b * Q4Block.Bytes;
            Sse.Prefetch0(w0 + offset + Ahead);
            Sse.Prefetch0(w1 + offset + Ahead);
            Sse.Prefetch0(w2 + offset + Ahead);
            Sse.Prefetch0(w3 + offset + Ahead);

            // x0 = blocks b, b+1 and x1 = blocks b+2, b+3, 32 values each: lanes 0 and 2 of each are the first halves.
            var values = x.Values + (b * 32);
            var x0 = Vector512.Load(values).AsUInt64();
            var x1 = Vector512.Load(values + 64).AsUInt64();
            var low = Avx512F.Shuffle4x128(x0, x1, 0b10_00_10_00).AsSByte();
            var high = Avx512F.Shuffle4x128(x0, x1, 0b11_01_11_01).AsSByte();
            var spread = Avx512F.BroadcastVector128ToVector512(x.IntSums + b);
            // −8·Σx per block as −2·Σx in each of its four lanes: the lanes are summed in the end, each with the block's scale.
            var bias = Avx512F.PermuteVar16x32(spread, BlockLanes()) * Vector512.Create(-2);
            // d_x·2¹¹² (see the top of the file).
            var dx = Avx512F.PermuteVar16x32(Avx512F.BroadcastVector128ToVector512(x.Scales + b), BlockLanes()) * Vector512.Create(0x77800000u).AsSingle();
            // Each row's four scales, fp16 bits in the top half of each lane; the peak keeps their largest magnitude (a
            // local updated here, not through a ref: a ref parameter kept it in memory and cost the whole gain; this
            // check costs about a third of it).
            var s0 = ScaleTops(w0 + offset);
            a0 = Step4<TCodes>(w0 + offset, s0, low, high, bias, dx, a0);
            var s1 = ScaleTops(w1 + offset);
            a1 = Step4<TCodes>(w1 + offset, s1, low, high, bias, dx, a1);
            var s2 = ScaleTops(w2 + offset);
            a2 = Step4<TCodes>(w2 + offset, s2, low, high, bias, dx, a2);
            var s3 = ScaleTops(w3 + offset);
            a3 = Step4<TCodes>(w3 + offset, s3, low, high, bias, dx, a3);
            peak = Vector512.Max(Vector512.Max(peak, Magnitude(s0)), Vector512.Max(Magnitude(s1), Vector512.Max(Magnitude(s2), Magnitude(s3))));
        }

        // An infinite or NaN weight scale (exponent all ones): the four rows again, exactly, block by block.
        if (Vector512.GreaterThanOrEqualAny(peak, Vector512.Create(0x7c000000u)))
        {
            a0 = a1 = a2 = a3 = default;
            b = 0;
        }

        Vector256<float> t0 = a0.GetLower() + a0.GetUpper(), t1 = a1.GetLower() + a1.GetUpper();
        Vector256<float> t2 = a2.GetLower() + a2.GetUpper(), t3 = a3.GetLower() + a3.GetUpper();
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
    /// acc plus four Q4_0 blocks at <paramref name="p"/> (their scales in <paramref name="top"/>, from
    /// <see cref="ScaleTops"/>) times x's four blocks, lane-wise (summed by the caller), with <paramref name="dx"/> =
    /// d_x·2¹¹².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Step4<TCodes>(byte* p, Vector512<int> top, Vector512<sbyte> low, Vector512<sbyte> high, Vector512<int> bias, Vector512<float> dx, Vector512<float> acc)
        where TCodes : struct, ICodeGather
    {
        var codes = TCodes.Codes(p);
        var mask = Vector512.Create((byte)0x0F);
        // Code pair sums are at most 2·15·127 each, so the two halves' sum fits int16.
        var pairs = Avx512BW.MultiplyAddAdjacent(codes & mask, low)
            + Avx512BW.MultiplyAddAdjacent(Vector512.ShiftRightLogical(codes.AsUInt16(), 4).AsByte() & mask, high);
        var dot = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1)) + bias;
        // d_w·2⁻¹¹² in fp32 bits (sign, exponent and mantissa moved into place), times d_x·2¹¹²: d_w·d_x. An FMA adding
        // −0, not a multiply: a subnormal d_w is a denormal here, which a Zen 5 multiply takes on a slow path.
        var bits = Vector512.ShiftRightArithmetic(top, 3) & Vector512.Create(unchecked((int)0x8fffe000));
        var scales = Vector512.FusedMultiplyAdd(bits.AsSingle(), dx, Vector512.Create(-0f));
        return Vector512.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(dot), scales, acc);
    }

    /// <summary>A step's four block scales at <paramref name="p"/>, each in the top half of its block's four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ScaleTops(byte* p) => Avx512BW.PermuteVar32x16(Vector512.Load((short*)p), ScaleWords()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Magnitude(Vector512<int> top) => (top & Vector512.Create(0x7fff0000)).AsUInt32();

    // Constants as methods, not static fields: a static field read costs a class-initialization check in code compiled
    // optimized from the first call, and the call behind it made the JIT keep the accumulators in memory.

    // Dword lane j takes word 9·(j/4) of the step's first 64 bytes (in both halves; the top one counts): block j/4's scale.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> ScaleWords() => Vector512.Create(
        0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 18, 18, 18, 18, 18, 18, 18, 18, 27, 27, 27, 27, 27, 27, 27, 27);

    /// <summary>The 64 code bytes of a step's four Q4_0 blocks at <c>p</c>, one block per 128-bit lane.</summary>
    internal interface ICodeGather
    {
        static abstract Vector512<byte> Codes(byte* p);
    }

    /// <summary>Four 16-byte loads joined by inserts: any AVX-512BW CPU.</summary>
    internal readonly struct InsertedCodes : ICodeGather
    {
        // Inserted into a register, not built through memory, as Vector512.Create of two halves compiles to.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Codes(byte* p) => Avx512F.InsertVector256(
            Vector256.Create(Vector128.Load(p + 2), Vector128.Load(p + 20)).ToVector512Unsafe(),
            Vector256.Create(Vector128.Load(p + 38), Vector128.Load(p + 56)),
            1);
    }

    /// <summary>
    /// One two-table byte permute (AVX512_VBMI's <c>vpermt2b</c>) of the step's first 64 bytes and its last 16: three
    /// instructions instead of seven: a Q4_0 GEMV on one Zen 5 core 6–9 % faster from DRAM and in cache (see the README).
    /// </summary>
    internal readonly struct PermutedCodes : ICodeGather
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Codes(byte* p) =>
            Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(p), CodeBytes(), Vector128.Load(p + 56).ToVector256Unsafe().ToVector512Unsafe());
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
