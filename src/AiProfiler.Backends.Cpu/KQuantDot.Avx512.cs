using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The AVX-512 forms of the Q4_K and Q6_K super-blocks: .NET 10 has no 512-bit vpdpbusd for AVX512_VNNI, but
// AVX-512BW's vpmaddubsw + vpmaddwd take 64 codes at once, the second multiplying by the sub-blocks' scales, and with x
// quantized per super-block (one d_x for 256 values) a super-block's sums stay integers until one conversion per row.
internal static unsafe partial class KQuantDot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> sum) => sum.GetLower() + sum.GetUpper();

    /// <summary>
    /// The integer products of 64 codes and x's values in sixteen sums of four, each times the scale its group takes:
    /// <paramref name="lanes"/> picks, per 16-bit pair sum, which of <paramref name="scales"/>' first lanes multiplies it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Scaled(Vector512<byte> q, Vector512<sbyte> xq, Vector512<short> scales, Vector512<short> lanes) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q, xq), Avx512BW.PermuteVar32x16(scales, lanes));

    /// <summary>Which scale each quarter of a register's 32 pair sums takes (16 values each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Lanes(short a, short b, short c, short d) => Vector512.Create(
        a, a, a, a, a, a, a, a, b, b, b, b, b, b, b, b, c, c, c, c, c, c, c, c, d, d, d, d, d, d, d, d);

    /// <summary>Q4_K with 64 codes per step: bytes 0-63 hold sub-blocks 0 and 2 in their low nibbles, 1 and 3 in their high ones.</summary>
    private readonly struct Q4K512 : ISuperBlockTwo<Q4K512.Side>
    {
        public static int Bytes => Q4KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Side ISuperBlock<Side>.Side(Int8Activations x, long block) =>
            new(x.Values + (block * Int8Activations.Block), x.Scales[block], Vector256.Load(x.Sums + block));

        /// <summary>
        /// acc plus the super-block at <paramref name="w"/> times x's side of it, lane-wise. The 6-bit scales enter the
        /// integer products (<c>vpmaddwd</c> by sc instead of by 1: 2·2·15·127·63 fits int32), and x's one d_x per
        /// super-block (<see cref="Int8Activations.SuperBlock"/>) lets the four pairs of blocks add up as integers (at
        /// most 4·2·2·15·127·63·2 after the fold, within int32): one conversion and d·d_x once per super-block and row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Side x, Vector256<float> acc, float* scratch, float* halves, nint salt)
        {
            var scales = Q4KScaleBytes(w, out var mins);
            acc = Fma.MultiplyAddNegated(Widen(mins) * halves[*(ushort*)(w + 2)], x.Sums, acc);
            // sc as 16-bit lanes 0-7; the permutes below read those only.
            var sc = Avx2.ConvertToVector256Int16(Vector128.CreateScalar(scales).AsByte()).ToVector512Unsafe();
            var low = x.Low;
            Vector512<byte> q0 = Vector512.Load(w + 16), q1 = Vector512.Load(w + 80);
            var i = (Scaled(q0 & low, x.Pair0, sc, x.Lanes0) + Scaled(Vector512.ShiftRightLogical(q0.AsUInt16(), 4).AsByte() & low, x.Pair1, sc, x.Lanes1))
                + (Scaled(q1 & low, x.Pair2, sc, x.Lanes2) + Scaled(Vector512.ShiftRightLogical(q1.AsUInt16(), 4).AsByte() & low, x.Pair3, sc, x.Lanes3));
            return Fma.MultiplyAdd(Avx.ConvertToVector256Single(i.GetLower() + i.GetUpper()), Vector256.Create(halves[*(ushort*)w] * x.Dx), acc);
        }

        /// <summary>
        /// <see cref="Dot"/> for two rows of x (CPUs with AVX-512 but no VBMI, which have no <see cref="Row4Q4KHeadsTwo"/>):
        /// the scales and mins unpacked, the nibbles split and the scales permuted to their lanes once for both.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void DotTwo(byte* w, in Side a, in Side b, ref Vector256<float> accA, ref Vector256<float> accB, float* scratch, float* halves, nint salt)
        {
            var scales = Q4KScalesTakingMins(w, a.Sums, b.Sums, ref accA, ref accB, halves);
            var sc = Avx2.ConvertToVector256Int16(Vector128.CreateScalar(scales).AsByte()).ToVector512Unsafe();
            var low = a.Low;
            Vector512<byte> q0 = Vector512.Load(w + 16), q1 = Vector512.Load(w + 80);
            Vector512<byte> c0 = q0 & low, c1 = Vector512.ShiftRightLogical(q0.AsUInt16(), 4).AsByte() & low;
            Vector512<byte> c2 = q1 & low, c3 = Vector512.ShiftRightLogical(q1.AsUInt16(), 4).AsByte() & low;
            Vector512<short> s0 = Avx512BW.PermuteVar32x16(sc, a.Lanes0), s1 = Avx512BW.PermuteVar32x16(sc, a.Lanes1);
            Vector512<short> s2 = Avx512BW.PermuteVar32x16(sc, a.Lanes2), s3 = Avx512BW.PermuteVar32x16(sc, a.Lanes3);
            var d = halves[*(ushort*)w];
            var i = Products(c0, c1, c2, c3, s0, s1, s2, s3, a);
            accA = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i.GetLower() + i.GetUpper()), Vector256.Create(d * a.Dx), accA);
            i = Products(c0, c1, c2, c3, s0, s1, s2, s3, b);
            accB = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i.GetLower() + i.GetUpper()), Vector256.Create(d * b.Dx), accB);
        }

        /// <summary>The four pairs of blocks' integer products with x's side, each pair sum times its scale.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Products(
            Vector512<byte> c0, Vector512<byte> c1, Vector512<byte> c2, Vector512<byte> c3, Vector512<short> s0, Vector512<short> s1, Vector512<short> s2, Vector512<short> s3, in Side x) =>
            (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c0, x.Pair0), s0) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c1, x.Pair1), s1))
            + (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c2, x.Pair2), s2) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c3, x.Pair3), s3));

        /// <summary>
        /// x's side of one super-block: its 256 int8 values as the four pairs of blocks the code registers meet (blocks 0
        /// and 2, 1 and 3, 4 and 6, 5 and 7; built once instead of per row, 13–17 % more GB/s on a Zen 5 core), its d_x
        /// and its eight blocks' d_x·Σx_q.
        /// </summary>
        public readonly struct Side
        {
            // Inlined into the kernels' loops: as a call it ran unoptimized and cost three quarters of the time.
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Side(sbyte* xq, float dx, Vector256<float> sums)
            {
                Pair0 = Pairs(xq, 0, 64);
                Pair1 = Pairs(xq, 32, 96);
                Pair2 = Pairs(xq, 128, 192);
                Pair3 = Pairs(xq, 160, 224);
                Dx = dx;
                Sums = sums;
                Low = Vector512.Create((byte)0x0F);
                Lanes0 = Lanes(0, 0, 2, 2);
                Lanes1 = Lanes(1, 1, 3, 3);
                Lanes2 = Lanes(4, 4, 6, 6);
                Lanes3 = Lanes(5, 5, 7, 7);
            }

            // Constants in registers for the four rows that share this side (the JIT reloads them per use otherwise).
            public Vector512<byte> Low { get; }

            public Vector512<short> Lanes0 { get; }

            public Vector512<short> Lanes1 { get; }

            public Vector512<short> Lanes2 { get; }

            public Vector512<short> Lanes3 { get; }

            public Vector512<sbyte> Pair0 { get; }

            public Vector512<sbyte> Pair1 { get; }

            public Vector512<sbyte> Pair2 { get; }

            public Vector512<sbyte> Pair3 { get; }

            /// <summary>The super-block's d_x, which its eight blocks share.</summary>
            public float Dx { get; }

            public Vector256<float> Sums { get; }
        }
    }

    // HeadPatterns' table, built once for the process (256 bytes, never freed).
    private static readonly nint HeadPatternTable = HeadPatterns();

    /// <summary>
    /// Four Q4_K rows at 512 bits with their scales, mins and d's handled for the four at once (AVX-512 VBMI): the rows'
    /// 16-byte heads (d, dmin, the 12 bytes of 6-bit scales and mins) sit in one register, one byte permute and three
    /// logic operations unpack each of the scales and the mins of all four, and the four rows' integer sums are folded
    /// into one register (a quarter per row) that is converted and scaled once. The single-row kernel
    /// (<see cref="Q4K512"/>) unpacks each row's 6-bit fields with 16 scalar instructions, converts its sums and mins
    /// per row and looks d and dmin up in a table.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Q4KHeads(byte* w, long rowBytes, int quarter, Int8Activations x, float* y, float beta)
    {
        var gap = quarter * rowBytes;
        var patterns = (byte*)HeadPatternTable;
        Vector512<byte> scalePick = Vector512.Load(patterns), minPick = Vector512.Load(patterns + 64);
        Vector512<ushort> keep = Vector512.Load((ushort*)(patterns + 128)), minShifts = Vector512.Load((ushort*)(patterns + 192));
        var top = ~keep & Vector512.Create((ushort)0x3F);
        var low = Vector512.Create((byte)0x0F);
        for (var i = 0; i < quarter; i++, w += rowBytes)
        {
            byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
            var acc = Vector512<float>.Zero;
            for (var s = 0; s < x.Blocks / 8; s++)
            {
                var offset = s * Q4KBytes;
                var b = 8 * s;
                PrefetchAhead(w0, w1, w2, w3, offset, Q4KBytes);

                var xq = x.Values + (b * Int8Activations.Block);
                Vector512<sbyte> pair0 = Pairs(xq, 0, 64), pair1 = Pairs(xq, 32, 96), pair2 = Pairs(xq, 128, 192), pair3 = Pairs(xq, 160, 224);

                // Row r's head in quarter r.
                var heads = FourHeads(w0 + offset, w1 + offset, w2 + offset, w3 + offset);
                var scales = SixBitFields(heads, scalePick, minPick, keep, minShifts, top, out var mins);

                var i0 = Q4KRow(w0 + offset, low, pair0, pair1, pair2, pair3, scales, Lanes(0, 0, 2, 2), Lanes(1, 1, 3, 3), Lanes(4, 4, 6, 6), Lanes(5, 5, 7, 7));
                var i1 = Q4KRow(w1 + offset, low, pair0, pair1, pair2, pair3, scales, Lanes(8, 8, 10, 10), Lanes(9, 9, 11, 11), Lanes(12, 12, 14, 14), Lanes(13, 13, 15, 15));
                var i2 = Q4KRow(w2 + offset, low, pair0, pair1, pair2, pair3, scales, Lanes(16, 16, 18, 18), Lanes(17, 17, 19, 19), Lanes(20, 20, 22, 22), Lanes(21, 21, 23, 23));
                var i3 = Q4KRow(w3 + offset, low, pair0, pair1, pair2, pair3, scales, Lanes(24, 24, 26, 26), Lanes(25, 25, 27, 27), Lanes(28, 28, 30, 30), Lanes(29, 29, 31, 31));
                // Rows 0 and 1 as [0, 0, 1, 1] half-sums, then all four as one quarter each.
                var r01 = Avx512F.Shuffle4x128(i0, i1, 0b01_00_01_00) + Avx512F.Shuffle4x128(i0, i1, 0b11_10_11_10);
                var r23 = Avx512F.Shuffle4x128(i2, i3, 0b01_00_01_00) + Avx512F.Shuffle4x128(i2, i3, 0b11_10_11_10);
                var sums = Avx512F.Shuffle4x128(r01, r23, 0b10_00_10_00) + Avx512F.Shuffle4x128(r01, r23, 0b11_01_11_01);

                // Σ m·Σx_q per row, in pairs of sub-blocks: x's eight block sums (at most 32·127) as 16-bit lanes in every quarter.
                var blockSums = Avx512F.VL.ConvertToVector128Int16(Vector256.Load(x.IntSums + b)).AsInt32().ToVector256Unsafe().ToVector512Unsafe();
                var minSums = Avx512BW.MultiplyAddAdjacent(mins.AsInt16(), Avx512F.Shuffle4x128(blockSums, blockSums, 0).AsInt16());

                var (d, dmin) = HeadScales(heads);
                var t = Avx512F.FusedMultiplyAddNegated(Avx512F.ConvertToVector512Single(minSums), dmin, Avx512F.ConvertToVector512Single(sums) * d);
                acc = Avx512F.FusedMultiplyAdd(t, Vector512.Create(x.Scales[b]), acc);
            }

            StoreQuarters(y + i, quarter, acc, beta);
        }
    }

    /// <summary>
    /// <see cref="Row4Q4KHeads"/> for two rows of x at once (batched decode): each row of W is loaded, its codes
    /// unpacked and its scales permuted once for both, and only the integer products, the folds and the final scaling
    /// are per row of x. x's values come pair-ordered (<see cref="PairOrder"/>), so the products read them from memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4Q4KHeadsTwo(byte* w, long rowBytes, int quarter, Int8Activations a, Int8Activations b, sbyte* pa, sbyte* pb, float* ya, float* yb, float beta)
    {
        var gap = quarter * rowBytes;
        var patterns = (byte*)HeadPatternTable;
        Vector512<byte> scalePick = Vector512.Load(patterns), minPick = Vector512.Load(patterns + 64);
        Vector512<ushort> keep = Vector512.Load((ushort*)(patterns + 128)), minShifts = Vector512.Load((ushort*)(patterns + 192));
        var top = ~keep & Vector512.Create((ushort)0x3F);
        var low = Vector512.Create((byte)0x0F);
        for (var i = 0; i < quarter; i++, w += rowBytes)
        {
            byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
            Vector512<float> accA = Vector512<float>.Zero, accB = Vector512<float>.Zero;
            for (var s = 0; s < a.Blocks / 8; s++)
            {
                var offset = s * Q4KBytes;
                var blk = 8 * s;
                PrefetchAhead(w0, w1, w2, w3, offset, Q4KBytes);

                sbyte* xa = pa + (blk * Int8Activations.Block), xb = pb + (blk * Int8Activations.Block);
                var heads = FourHeads(w0 + offset, w1 + offset, w2 + offset, w3 + offset);
                var scales = SixBitFields(heads, scalePick, minPick, keep, minShifts, top, out var mins);

                var a0 = Q4KRowTwo(w0 + offset, low, xa, xb, scales, Lanes(0, 0, 2, 2), Lanes(1, 1, 3, 3), Lanes(4, 4, 6, 6), Lanes(5, 5, 7, 7), out var b0);
                var a1 = Q4KRowTwo(w1 + offset, low, xa, xb, scales, Lanes(8, 8, 10, 10), Lanes(9, 9, 11, 11), Lanes(12, 12, 14, 14), Lanes(13, 13, 15, 15), out var b1);
                var a01 = Avx512F.Shuffle4x128(a0, a1, 0b01_00_01_00) + Avx512F.Shuffle4x128(a0, a1, 0b11_10_11_10);
                var b01 = Avx512F.Shuffle4x128(b0, b1, 0b01_00_01_00) + Avx512F.Shuffle4x128(b0, b1, 0b11_10_11_10);
                var a2 = Q4KRowTwo(w2 + offset, low, xa, xb, scales, Lanes(16, 16, 18, 18), Lanes(17, 17, 19, 19), Lanes(20, 20, 22, 22), Lanes(21, 21, 23, 23), out var b2);
                var a3 = Q4KRowTwo(w3 + offset, low, xa, xb, scales, Lanes(24, 24, 26, 26), Lanes(25, 25, 27, 27), Lanes(28, 28, 30, 30), Lanes(29, 29, 31, 31), out var b3);
                var a23 = Avx512F.Shuffle4x128(a2, a3, 0b01_00_01_00) + Avx512F.Shuffle4x128(a2, a3, 0b11_10_11_10);
                var b23 = Avx512F.Shuffle4x128(b2, b3, 0b01_00_01_00) + Avx512F.Shuffle4x128(b2, b3, 0b11_10_11_10);
                var sumsA = Avx512F.Shuffle4x128(a01, a23, 0b10_00_10_00) + Avx512F.Shuffle4x128(a01, a23, 0b11_01_11_01);
                var sumsB = Avx512F.Shuffle4x128(b01, b23, 0b10_00_10_00) + Avx512F.Shuffle4x128(b01, b23, 0b11_01_11_01);

                var blockSumsA = Avx512F.VL.ConvertToVector128Int16(Vector256.Load(a.IntSums + blk)).AsInt32().ToVector256Unsafe().ToVector512Unsafe();
                var blockSumsB = Avx512F.VL.ConvertToVector128Int16(Vector256.Load(b.IntSums + blk)).AsInt32().ToVector256Unsafe().ToVector512Unsafe();
                var minSumsA = Avx512BW.MultiplyAddAdjacent(mins.AsInt16(), Avx512F.Shuffle4x128(blockSumsA, blockSumsA, 0).AsInt16());
                var minSumsB = Avx512BW.MultiplyAddAdjacent(mins.AsInt16(), Avx512F.Shuffle4x128(blockSumsB, blockSumsB, 0).AsInt16());

                var (d, dmin) = HeadScales(heads);
                var tA = Avx512F.FusedMultiplyAddNegated(Avx512F.ConvertToVector512Single(minSumsA), dmin, Avx512F.ConvertToVector512Single(sumsA) * d);
                var tB = Avx512F.FusedMultiplyAddNegated(Avx512F.ConvertToVector512Single(minSumsB), dmin, Avx512F.ConvertToVector512Single(sumsB) * d);
                accA = Avx512F.FusedMultiplyAdd(tA, Vector512.Create(a.Scales[blk]), accA);
                accB = Avx512F.FusedMultiplyAdd(tB, Vector512.Create(b.Scales[blk]), accB);
            }

            StoreQuarters(ya + i, quarter, accA, beta);
            StoreQuarters(yb + i, quarter, accB, beta);
        }
    }

    /// <summary>The four rows' 16-byte heads (d, dmin, the 12 bytes of 6-bit scales and mins), row r's in quarter r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> FourHeads(byte* h0, byte* h1, byte* h2, byte* h3) => Avx512F.InsertVector128(
        Avx512F.InsertVector128(
            Avx512F.InsertVector128(Vector128.Load(h0).ToVector256Unsafe().ToVector512Unsafe(), Vector128.Load(h1), 1),
            Vector128.Load(h2),
            2),
        Vector128.Load(h3),
        3);

    /// <summary>
    /// The four rows' eight scales (returned) and eight mins (<paramref name="mins"/>), 16-bit lanes 8r..8r + 7 row r's,
    /// from their heads: one byte permute and three logic operations each (<see cref="HeadPatterns"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> SixBitFields(
        Vector512<byte> heads, Vector512<byte> scalePick, Vector512<byte> minPick, Vector512<ushort> keep, Vector512<ushort> minShifts, Vector512<ushort> top, out Vector512<ushort> mins)
    {
        var scaleLanes = Avx512Vbmi.PermuteVar64x8(heads, scalePick).AsUInt16();
        var minLanes = Avx512Vbmi.PermuteVar64x8(heads, minPick).AsUInt16();
        mins = SixBits(Avx512BW.ShiftRightLogicalVariable(minLanes, minShifts), minLanes, keep, top);
        return SixBits(scaleLanes, scaleLanes, keep, top);
    }

    /// <summary>y[s·quarter] = the sum of quarter s of <paramref name="acc"/> (+ beta·y) for the four streams.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreQuarters(float* y, int quarter, Vector512<float> acc, float beta)
    {
        QuantizedDot.Store(y, Vector128.Sum(acc.GetLower().GetLower()), beta);
        QuantizedDot.Store(y + quarter, Vector128.Sum(acc.GetLower().GetUpper()), beta);
        QuantizedDot.Store(y + (2 * quarter), Vector128.Sum(acc.GetUpper().GetLower()), beta);
        QuantizedDot.Store(y + (3 * quarter), Vector128.Sum(acc.GetUpper().GetUpper()), beta);
    }

    /// <summary>
    /// d (first) and dmin (second) of each of the four rows whose heads are in <paramref name="heads"/>' quarters, in
    /// every lane of its quarter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> D, Vector512<float> Dmin) HeadScales(Vector512<byte> heads)
    {
        // d (low half) and dmin (high half) of each row's first four bytes, in every lane of its quarter.
        var pairs = Avx512F.Shuffle(heads.AsUInt32(), 0);
        if (Vector512.LessThanAny((pairs.AsUInt16() & Vector512.Create((ushort)0x7FFF)) - Vector512<ushort>.One, Vector512.Create((ushort)0x3FF)))
        {
            // An fp16 subnormal among them (exponent 0, mantissa not): the short path below would multiply an fp32
            // denormal, which Zen 5 does on a slow path (GEMVs at half speed or less where every block had one).
            return (HighHalfToSingle(Avx512F.ShiftLeftLogical(pairs, 16).AsInt32()), HighHalfToSingle(pairs.AsInt32()));
        }

        // Sign, exponent and mantissa moved into fp32's places, then times 2^112, the difference of the exponent biases
        // (127 - 15): exact for normal values (ggml writes no infinities or NaNs as scales).
        var half = Vector512.Create(0x77800000u).AsSingle();
        return (
            (Avx512F.ShiftRightArithmetic(Avx512F.ShiftLeftLogical(pairs, 16).AsInt32(), 3) & Vector512.Create(unchecked((int)0x8FFFFFFF))).AsSingle() * half,
            (Avx512F.ShiftRightArithmetic(pairs.AsInt32(), 3) & Vector512.Create(unchecked((int)0x8FFFE000))).AsSingle() * half);
    }

    /// <summary>
    /// <see cref="Q4KRow"/> for two rows of x (pair-ordered values at <paramref name="xa"/> and <paramref name="xb"/>):
    /// the codes unpacked and the scales permuted once for both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Q4KRowTwo(
        byte* block, Vector512<byte> low, sbyte* xa, sbyte* xb, Vector512<ushort> scales,
        Vector512<short> l0, Vector512<short> l1, Vector512<short> l2, Vector512<short> l3, out Vector512<int> second)
    {
        var sc = scales.AsInt16();
        Vector512<byte> q0 = Vector512.Load(block + 16), q1 = Vector512.Load(block + 80);
        Vector512<byte> u0 = q0 & low, u1 = Vector512.ShiftRightLogical(q0.AsUInt16(), 4).AsByte() & low;
        Vector512<byte> u2 = q1 & low, u3 = Vector512.ShiftRightLogical(q1.AsUInt16(), 4).AsByte() & low;
        Vector512<short> s0 = Avx512BW.PermuteVar32x16(sc, l0), s1 = Avx512BW.PermuteVar32x16(sc, l1);
        Vector512<short> s2 = Avx512BW.PermuteVar32x16(sc, l2), s3 = Avx512BW.PermuteVar32x16(sc, l3);
        second = (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u0, Vector512.Load(xb)), s0) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u1, Vector512.Load(xb + 64)), s1))
            + (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u2, Vector512.Load(xb + 128)), s2) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u3, Vector512.Load(xb + 192)), s3));
        return (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u0, Vector512.Load(xa)), s0) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u1, Vector512.Load(xa + 64)), s1))
            + (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u2, Vector512.Load(xa + 128)), s2) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u3, Vector512.Load(xa + 192)), s3));
    }

    /// <summary>
    /// x's int8 values (<paramref name="inputs"/>, whole super-blocks) in the order the Q4_K code registers meet them:
    /// per super-block the pairs of blocks (0, 2), (1, 3), (4, 6) and (5, 7), 64 bytes each (see <see cref="Pairs"/>).
    /// </summary>
    internal static void PairOrder(sbyte* values, sbyte* target, int inputs)
    {
        for (var s = 0; s < inputs; s += SuperBlock)
        {
            var x = values + s;
            var t = target + s;
            Pairs(x, 0, 64).Store(t);
            Pairs(x, 32, 96).Store(t + 64);
            Pairs(x, 128, 192).Store(t + 128);
            Pairs(x, 160, 224).Store(t + 192);
        }
    }

    /// <summary>
    /// The fp16 values in the high halves of <paramref name="lanes"/> as fp32, exact for normal and subnormal values
    /// without an fp32 denormal on the way: sign, exponent and mantissa moved into fp32's places, the exponent rebiased
    /// (+112) as an integer, and a subnormal (exponent 0) taken as 1.m·2⁻¹⁴ less 2⁻¹⁴. Infinities and NaNs come out
    /// finite (ggml writes neither as a scale).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> HighHalfToSingle(Vector512<int> lanes)
    {
        var magnitude = Avx512F.ShiftRightLogical(lanes, 3) & Vector512.Create(0x0FFFE000);
        var subnormal = Vector512.Equals(magnitude & Vector512.Create(0x0F800000), Vector512<int>.Zero);
        var rebiased = magnitude + Vector512.Create(112 << 23) + (subnormal & Vector512.Create(1 << 23));
        var value = rebiased.AsSingle() - (subnormal.AsSingle() & Vector512.Create(1f / 16384));
        return (value.AsInt32() | (lanes & Vector512.Create(int.MinValue))).AsSingle();
    }

    /// <summary>
    /// One row's super-block as sixteen integer sums: 64 codes per register, each pair sum times its sub-block's scale
    /// (<paramref name="scales"/>: 32 16-bit lanes, the row's eight among them; <paramref name="l0"/>–<paramref name="l3"/>
    /// pick them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Q4KRow(
        byte* block, Vector512<byte> low, Vector512<sbyte> pair0, Vector512<sbyte> pair1, Vector512<sbyte> pair2, Vector512<sbyte> pair3,
        Vector512<ushort> scales, Vector512<short> l0, Vector512<short> l1, Vector512<short> l2, Vector512<short> l3)
    {
        var sc = scales.AsInt16();
        Vector512<byte> q0 = Vector512.Load(block + 16), q1 = Vector512.Load(block + 80);
        return (Scaled(q0 & low, pair0, sc, l0) + Scaled(Vector512.ShiftRightLogical(q0.AsUInt16(), 4).AsByte() & low, pair1, sc, l1))
            + (Scaled(q1 & low, pair2, sc, l2) + Scaled(Vector512.ShiftRightLogical(q1.AsUInt16(), 4).AsByte() & low, pair3, sc, l3));
    }

    /// <summary>
    /// The 6-bit fields from 16-bit lanes of two head bytes (low, high): fields 0-3 are the low byte's 6 bits
    /// (<paramref name="keep"/> 0x3F), fields 4-7 a nibble of it (<paramref name="shifted"/>: the lanes already moved
    /// down to it) with the high byte's top two bits above it (<paramref name="top"/> 0x30).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> SixBits(Vector512<ushort> shifted, Vector512<ushort> lanes, Vector512<ushort> keep, Vector512<ushort> top) =>
        // (shifted & keep) | (lanes >> 10 & top).
        Avx512F.TernaryLogic(shifted, Vector512.ShiftRightLogical(lanes, 10) & top, keep, 0xEC);

    /// <summary>x's 32 values from <paramref name="first"/> and 32 from <paramref name="second"/>: a pair of blocks as the Q4_K code registers meet them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<sbyte> Pairs(sbyte* xq, int first, int second) =>
        Avx512F.InsertVector256(Vector256.Load(xq + first).ToVector512Unsafe(), Vector256.Load(xq + second), 1);

    /// <summary>
    /// The byte permutes and masks of <see cref="Row4Q4KHeads"/>: for row r (bytes 16r..16r+15 of the heads, its 12
    /// scale bytes q from 16r + 4) and field j, the 16-bit lane 8r + j takes the bytes its 6 bits come from (ggml's
    /// packing: sc_j = q_j &amp; 63 and m_j = q_{j+4} &amp; 63 for j &lt; 4; for j ≥ 4, sc_j = (q_{j+4} &amp; 15) | (q_{j-4} &gt;&gt; 6) &lt;&lt; 4
    /// and m_j = (q_{j+4} &gt;&gt; 4) | (q_j &gt;&gt; 6) &lt;&lt; 4).
    /// </summary>
    private static nint HeadPatterns()
    {
        var patterns = (byte*)NativeMemory.AlignedAlloc(4 * 64, 64);
        var keep = (ushort*)(patterns + 128);
        var shifts = (ushort*)(patterns + 192);
        for (var r = 0; r < 4; r++)
        {
            var q = (16 * r) + 4;
            for (var j = 0; j < 8; j++)
            {
                var lane = (8 * r) + j;
                patterns[2 * lane] = (byte)(j < 4 ? q + j : q + j + 4);
                patterns[(2 * lane) + 1] = (byte)(j < 4 ? q + j : q + j - 4);
                patterns[64 + (2 * lane)] = (byte)(q + j + 4);
                patterns[64 + (2 * lane) + 1] = (byte)(j < 4 ? q + j + 4 : q + j);
                keep[lane] = (ushort)(j < 4 ? 0x3F : 0x0F);
                shifts[lane] = (ushort)(j < 4 ? 0 : 4);
            }
        }

        return (nint)patterns;
    }

    /// <summary>
    /// Q6_K with 64 codes per step: a half's 64 low-nibble bytes hold values 0-31 and 32-63 in their low nibbles, 64-95
    /// and 96-127 in their high ones, so one 512-bit load and one shift give values 0-63 and 64-127 in order; the 32
    /// bytes of 2-bit pairs, copied to both halves of a register, are moved into bits 4-5 by a per-half variable shift
    /// (left by 4 and 2 for values 0-63, right by 0 and 2 for 64-127). x's values meet them as they are stored. The int8
    /// scales of the groups of 16 enter the integer products (<c>vpmaddwd</c>: 2·2·63·127·128 fits int32), the codes'
    /// offset of 32 enters once per super-block through x's group sums, and d once at the end. Measured against the
    /// 256-bit kernel and the form with per-group coefficients: see the README.
    /// </summary>
    private readonly struct Q6K512 : ISuperBlockTwo<Q6K512.Side>
    {
        public static int Bytes => Q6KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Side ISuperBlock<Side>.Side(Int8Activations x, long block) =>
            new(x.Values + (block * Int8Activations.Block), x.Scales[block], Vector512.Load(x.HalfSums + (2 * block)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Side x, Vector256<float> acc, float* scratch, float* halves, nint salt)
        {
            var bytes = Vector128.Load((sbyte*)(w + 192));
            var sc = Avx2.ConvertToVector256Int16(bytes).ToVector512Unsafe();
            // Both halves' sums as integers (each lane at most 2·4·2·63·127·128, within int32): x's one d_x per
            // super-block (Int8Activations.SuperBlock) multiplies them once.
            var i = Half(w, w + 128, x.Values, sc, x, x.Lanes0, x.Lanes1) + Half(w + 64, w + 160, x.Values + 128, sc, x, x.Lanes2, x.Lanes3);
            // d_x·Σ − 32·Σ sc·d_x·Σ₁₆x_q over the sixteen groups.
            var f = Avx512F.FusedMultiplySubtract(
                Avx512F.ConvertToVector512Single(i),
                x.Dx,
                Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes)) * x.Offsets);
            return Fma.MultiplyAdd(Fold(f), Vector256.Create(halves[*(ushort*)(w + 208)]), acc);
        }

        /// <summary>
        /// <see cref="Dot"/> for two rows of x (<paramref name="a"/> into <paramref name="accA"/>, <paramref name="b"/>
        /// into <paramref name="accB"/>): the codes assembled and the scales permuted once for both (no scratch, no salt).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void DotTwo(byte* w, in Side a, in Side b, ref Vector256<float> accA, ref Vector256<float> accB, float* scratch, float* halves, nint salt)
        {
            var bytes = Vector128.Load((sbyte*)(w + 192));
            var sc = Avx2.ConvertToVector256Int16(bytes).ToVector512Unsafe();
            var (q0, q1) = Codes(w, w + 128, a);
            var (q2, q3) = Codes(w + 64, w + 160, a);
            Vector512<short> s0 = Avx512BW.PermuteVar32x16(sc, a.Lanes0), s1 = Avx512BW.PermuteVar32x16(sc, a.Lanes1);
            Vector512<short> s2 = Avx512BW.PermuteVar32x16(sc, a.Lanes2), s3 = Avx512BW.PermuteVar32x16(sc, a.Lanes3);
            var scf = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes));
            var d = Vector256.Create(halves[*(ushort*)(w + 208)]);
            accA = Fma.MultiplyAdd(Fold(Finish(Products(q0, q1, q2, q3, s0, s1, s2, s3, a.Values), a, scf)), d, accA);
            accB = Fma.MultiplyAdd(Fold(Finish(Products(q0, q1, q2, q3, s0, s1, s2, s3, b.Values), b, scf)), d, accB);
        }

        /// <summary>d_x·Σ − 32·Σ sc·d_x·Σ₁₆x_q over the sixteen groups (<paramref name="scales"/>: the sixteen sc as fp32).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Finish(Vector512<int> sums, in Side x, Vector512<float> scales) =>
            Avx512F.FusedMultiplySubtract(Avx512F.ConvertToVector512Single(sums), x.Dx, scales * x.Offsets);

        /// <summary>The integer products of a super-block's four code registers and x's 256 values, each pair sum times its scale.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Products(
            Vector512<byte> q0, Vector512<byte> q1, Vector512<byte> q2, Vector512<byte> q3, Vector512<short> s0, Vector512<short> s1, Vector512<short> s2, Vector512<short> s3, sbyte* xq) =>
            (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q0, Vector512.Load(xq)), s0) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q1, Vector512.Load(xq + 64)), s1))
            + (Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q2, Vector512.Load(xq + 128)), s2) + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q3, Vector512.Load(xq + 192)), s3));

        /// <summary>A half's codes as bytes 0-63: values 0-63 (first) and 64-127 (second); see <see cref="Half"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector512<byte> First, Vector512<byte> Second) Codes(byte* low, byte* high, in Side x)
        {
            var mask = x.Mask;
            var bits45 = x.Bits45;
            var codes = Vector512.Load(low);
            var h = Vector256.Load(high);
            var pairs = Avx512F.InsertVector256(h.ToVector512Unsafe(), h, 1).AsUInt16();
            return (
                (codes & mask) | (Avx512BW.ShiftLeftLogicalVariable(pairs, x.LeftShifts).AsByte() & bits45),
                (Vector512.ShiftRightLogical(codes.AsUInt16(), 4).AsByte() & mask) | (Avx512BW.ShiftRightLogicalVariable(pairs, x.RightShifts).AsByte() & bits45));
        }

        /// <summary>
        /// A half's 128 values (64 bytes of nibbles at <paramref name="low"/>, 32 of 2-bit pairs at
        /// <paramref name="high"/>) times x's as integers, each group of 16 times its scale (<paramref name="first"/>
        /// picks the scales of values 0-63, <paramref name="second"/> those of 64-127).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Half(byte* low, byte* high, sbyte* xq, Vector512<short> sc, in Side x, Vector512<short> first, Vector512<short> second)
        {
            var mask = x.Mask;
            var bits45 = x.Bits45;
            var codes = Vector512.Load(low);
            // One insert: Vector512.Create(h, h) compiles to two, and a vbroadcasti64x4 of the bytes (BroadcastVector256ToVector512)
            // gave wrong sums in this expression with .NET 10.0.12's JIT (the tests caught it).
            var h = Vector256.Load(high);
            var pairs = Avx512F.InsertVector256(h.ToVector512Unsafe(), h, 1).AsUInt16();
            var q0 = (codes & mask) | (Avx512BW.ShiftLeftLogicalVariable(pairs, x.LeftShifts).AsByte() & bits45);
            var q1 = (Vector512.ShiftRightLogical(codes.AsUInt16(), 4).AsByte() & mask) | (Avx512BW.ShiftRightLogicalVariable(pairs, x.RightShifts).AsByte() & bits45);
            return Scaled(q0, Vector512.Load(xq), sc, first) + Scaled(q1, Vector512.Load(xq + 64), sc, second);
        }

        /// <summary>
        /// x's side of a Q6_K super-block: its values, its d_x (which its blocks share) in every lane, and
        /// 32·d_x·Σ₁₆x_q of its sixteen groups.
        /// </summary>
        public readonly struct Side
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Side(sbyte* values, float dx, Vector512<float> halfSums)
            {
                Values = values;
                Dx = Vector512.Create(dx);
                Offsets = halfSums * 32f;
                Mask = Vector512.Create((byte)0x0F);
                Bits45 = Vector512.Create((byte)0x30);
                LeftShifts = Vector512.Create((ushort)4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
                RightShifts = Vector512.Create((ushort)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
                Lanes0 = Lanes(0, 1, 2, 3);
                Lanes1 = Lanes(4, 5, 6, 7);
                Lanes2 = Lanes(8, 9, 10, 11);
                Lanes3 = Lanes(12, 13, 14, 15);
            }

            // Constants in registers for the four rows that share this side (the JIT reloads them per use otherwise).
            public Vector512<byte> Mask { get; }

            public Vector512<byte> Bits45 { get; }

            /// <summary>Values 0-63 take pair bits 0-1 (low 32 bytes, shifted left by 4) and 2-3 (high 32, by 2) into bits 4-5.</summary>
            public Vector512<ushort> LeftShifts { get; }

            /// <summary>Values 64-127 take pair bits 4-5 (low 32 bytes, in place) and 6-7 (high 32, shifted right by 2).</summary>
            public Vector512<ushort> RightShifts { get; }

            /// <summary>The groups of 16 whose scales the pair sums of values 0-63 of the first half take; then 64-127, and the second half's.</summary>
            public Vector512<short> Lanes0 { get; }

            public Vector512<short> Lanes1 { get; }

            public Vector512<short> Lanes2 { get; }

            public Vector512<short> Lanes3 { get; }

            public sbyte* Values { get; }

            public Vector512<float> Dx { get; }

            public Vector512<float> Offsets { get; }
        }
    }
}
