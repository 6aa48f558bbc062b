using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The AVX-512 forms of the Q4_K and Q6_K super-blocks: .NET 10 has no 512-bit vpdpbusd for AVX512_VNNI, but
// AVX-512BW's vpmaddubsw + vpmaddwd take 64 codes at once, so two blocks of 32 share each multiply, conversion and FMA.
internal static unsafe partial class KQuantDot
{
    // Lanes 0-7 of a 512-bit product are one block's partial sums, lanes 8-15 another's: each half gets its coefficient.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Blocks512(Vector512<byte> q, Vector512<sbyte> xq, Vector512<float> coefficients) =>
        Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q, xq), Vector512.Create((short)1))) * coefficients;

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
    private readonly struct Q4K512 : ISuperBlock<Q4K512.Side>
    {
        public static int Bytes => Q4KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Side ISuperBlock<Side>.Side(Int8Activations x, long block) =>
            new(x.Values + (block * Int8Activations.Block), Vector256.Load(x.Scales + block), Vector256.Load(x.Sums + block));

        /// <summary>
        /// acc plus the super-block at <paramref name="w"/> times x's side of it, lane-wise. The 6-bit scales enter the
        /// integer products (<c>vpmaddwd</c> by sc instead of by 1: 2·2·15·127·63 fits int32), so each pair of blocks
        /// needs only x's d_x (the side's, shared by four rows) after its conversion, and the super-block's d once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Side x, Vector256<float> acc, float* scratch, float* halves)
        {
            var scales = Q4KScaleBytes(w, out var mins);
            acc = Fma.MultiplyAddNegated(Widen(mins) * halves[*(ushort*)(w + 2)], x.Sums, acc);
            // sc as 16-bit lanes 0-7; the permutes below read those only.
            var sc = Avx2.ConvertToVector256Int16(Vector128.CreateScalar(scales).AsByte()).ToVector512Unsafe();
            var low = Vector512.Create((byte)0x0F);
            Vector512<byte> q0 = Vector512.Load(w + 16), q1 = Vector512.Load(w + 80);
            var f = Avx512F.ConvertToVector512Single(Scaled(q0 & low, x.Pair0, sc, Lanes(0, 0, 2, 2))) * x.Dx0;
            f = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Scaled(High(q0), x.Pair1, sc, Lanes(1, 1, 3, 3))), x.Dx1, f);
            f = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Scaled(q1 & low, x.Pair2, sc, Lanes(4, 4, 6, 6))), x.Dx2, f);
            f = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Scaled(High(q1), x.Pair3, sc, Lanes(5, 5, 7, 7))), x.Dx3, f);
            return Fma.MultiplyAdd(Fold(f), Vector256.Create(halves[*(ushort*)w]), acc);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<byte> High(Vector512<byte> q) => Vector512.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & Vector512.Create((byte)0x0F);

        /// <summary>
        /// x's side of one super-block: its 256 int8 values as the four pairs of blocks the code registers meet (blocks 0
        /// and 2, 1 and 3, 4 and 6, 5 and 7; built once instead of per row, 13–17 % more GB/s on a Zen 5 core), and its
        /// eight blocks' d_x and d_x·Σx_q.
        /// </summary>
        public readonly struct Side
        {
            // Inlined into the kernels' loops: as a call it ran unoptimized and cost three quarters of the time.
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Side(sbyte* xq, Vector256<float> scales, Vector256<float> sums)
            {
                Pair0 = Pairs(xq, 0, 64);
                Pair1 = Pairs(xq, 32, 96);
                Pair2 = Pairs(xq, 128, 192);
                Pair3 = Pairs(xq, 160, 224);
                Dx0 = Spread(scales, 0, 2);
                Dx1 = Spread(scales, 1, 3);
                Dx2 = Spread(scales, 4, 6);
                Dx3 = Spread(scales, 5, 7);
                Sums = sums;
            }

            public Vector512<sbyte> Pair0 { get; }

            public Vector512<sbyte> Pair1 { get; }

            public Vector512<sbyte> Pair2 { get; }

            public Vector512<sbyte> Pair3 { get; }

            /// <summary>d_x of the blocks in <see cref="Pair0"/> (lanes 0-7 and 8-15), and so on.</summary>
            public Vector512<float> Dx0 { get; }

            public Vector512<float> Dx1 { get; }

            public Vector512<float> Dx2 { get; }

            public Vector512<float> Dx3 { get; }

            public Vector256<float> Sums { get; }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector512<float> Spread(Vector256<float> scales, int first, int second) =>
                Avx512F.PermuteVar16x32(scales.ToVector512Unsafe(), Vector512.Create(first, first, first, first, first, first, first, first, second, second, second, second, second, second, second, second));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector512<sbyte> Pairs(sbyte* xq, int first, int second) =>
                Avx512F.InsertVector256(Vector256.Load(xq + first).ToVector512Unsafe(), Vector256.Load(xq + second), 1);
        }
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
    private readonly struct Q6K512 : ISuperBlock<Q6K512.Side>
    {
        public static int Bytes => Q6KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Side ISuperBlock<Side>.Side(Int8Activations x, long block) =>
            new(x.Values + (block * Int8Activations.Block), Vector256.Load(x.Scales + block), Vector512.Load(x.HalfSums + (2 * block)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Side x, Vector256<float> acc, float* scratch, float* halves)
        {
            var bytes = Vector128.Load((sbyte*)(w + 192));
            var sc = Avx2.ConvertToVector256Int16(bytes).ToVector512Unsafe();
            var f = Half(w, w + 128, x.Values, sc, 0, x.Dx0, x.Dx1, Vector512<float>.Zero);
            f = Half(w + 64, w + 160, x.Values + 128, sc, 8, x.Dx2, x.Dx3, f);
            // −32·Σ sc·d_x·Σ₁₆x_q over the sixteen groups.
            f = Avx512F.FusedMultiplyAddNegated(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes)), x.Offsets, f);
            return Fma.MultiplyAdd(Fold(f), Vector256.Create(halves[*(ushort*)(w + 208)]), acc);
        }

        /// <summary>
        /// <paramref name="f"/> plus a half's 128 values (64 bytes of nibbles at <paramref name="low"/>, 32 of 2-bit pairs
        /// at <paramref name="high"/>) times x's, each group of 16 times its scale (groups <paramref name="group"/> on),
        /// each block of 32 times its d_x (<paramref name="dxFirst"/> for values 0-63, <paramref name="dxSecond"/> 64-127).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Half(byte* low, byte* high, sbyte* xq, Vector512<short> sc, short group, Vector512<float> dxFirst, Vector512<float> dxSecond, Vector512<float> f)
        {
            var mask = Vector512.Create((byte)0x0F);
            var bits45 = Vector512.Create((byte)0x30);
            var codes = Vector512.Load(low);
            // One insert: Vector512.Create(h, h) compiles to two, and a vbroadcasti64x4 of the bytes (BroadcastVector256ToVector512)
            // gave wrong sums in this expression with .NET 10.0.12's JIT (the tests caught it).
            var h = Vector256.Load(high);
            var pairs = Avx512F.InsertVector256(h.ToVector512Unsafe(), h, 1).AsUInt16();
            var first = (codes & mask) | (Avx512BW.ShiftLeftLogicalVariable(pairs, LeftShifts()).AsByte() & bits45);
            var second = (Vector512.ShiftRightLogical(codes.AsUInt16(), 4).AsByte() & mask) | (Avx512BW.ShiftRightLogicalVariable(pairs, RightShifts()).AsByte() & bits45);
            var lanes = Lanes(group, (short)(group + 1), (short)(group + 2), (short)(group + 3));
            f = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Scaled(first, Vector512.Load(xq), sc, lanes)), dxFirst, f);
            return Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Scaled(second, Vector512.Load(xq + 64), sc, lanes + Vector512.Create((short)4))), dxSecond, f);
        }

        /// <summary>
        /// x's side of a Q6_K super-block: its values, each block's d_x spread over the lanes its products land in (two
        /// blocks per register), and 32·d_x·Σ₁₆x_q of its sixteen groups.
        /// </summary>
        public readonly struct Side
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Side(sbyte* values, Vector256<float> scales, Vector512<float> halfSums)
            {
                Values = values;
                var s = scales.ToVector512Unsafe();
                Dx0 = Avx512F.PermuteVar16x32(s, Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
                Dx1 = Avx512F.PermuteVar16x32(s, Vector512.Create(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
                Dx2 = Avx512F.PermuteVar16x32(s, Vector512.Create(4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5));
                Dx3 = Avx512F.PermuteVar16x32(s, Vector512.Create(6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7));
                Offsets = halfSums * 32f;
            }

            public sbyte* Values { get; }

            public Vector512<float> Dx0 { get; }

            public Vector512<float> Dx1 { get; }

            public Vector512<float> Dx2 { get; }

            public Vector512<float> Dx3 { get; }

            public Vector512<float> Offsets { get; }
        }

        // Values 0-63 take pair bits 0-1 (low 32 bytes, shifted left by 4) and 2-3 (high 32, by 2) into bits 4-5.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ushort> LeftShifts() => Vector512.Create(
            (ushort)4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);

        // Values 64-127 take pair bits 4-5 (low 32 bytes, in place) and 6-7 (high 32, shifted right by 2).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ushort> RightShifts() => Vector512.Create(
            (ushort)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2);
    }
}
