using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

// The repacking of a tile of W's rows into the interleaved layout the micro-kernel reads.
internal static unsafe partial class QuantizedGemm
{
    // Bytes ahead of the scales being read to prefetch within each row.
    private const int Ahead = 512;

    /// <summary>
    /// Packs <paramref name="count"/> rows of W (from <paramref name="w"/>, <paramref name="rowBytes"/> apart) into
    /// <paramref name="scratch"/>: for each group of 8 rows (whole pairs of groups, rows past the end repeating the
    /// last, whose results are never stored) its blocks of 32 one after another, each 8 × 32 signed values with 4-byte
    /// piece p of row j at byte 32·p + 4·j, then the 8 rows' scales, then (when <paramref name="offsets"/>) −128·Σw,
    /// then for Q4_K the 8 rows' −dmin·m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack<TSource>(byte* w, long rowBytes, int count, int blocks, byte* scratch, bool offsets)
        where TSource : struct, IPackSource
    {
        const int rowsPerKernel = GroupRows * Groups;
        var groups = (count + rowsPerKernel - 1) / rowsPerKernel * Groups;
        var rows = stackalloc byte*[GroupRows];
        // The next group's lines, a few per block of this group's interleaving, so that its first pass (the scales)
        // finds them in L1 instead of waiting on DRAM row by row: GatherScales had been a quarter of the time the
        // micro-kernel takes in a 32-token prefill. Builds alternating within one run (prompt 32, Llama-1B-shaped
        // GGUF, Zen 5): prefill Q4_0 +4 % on one core, +5–8 % on two; Q8_0 +4 %, Q4_K_M +12 % on two. Prefetching the
        // first rows of the tile a thread takes next, into L2 while it packs this one, gained nothing (−2 to +0 %).
        // A row's last line may reach into the next row or past W's end: a prefetch never faults.
        var lines = (int)((rowBytes + 63) / 64);
        var perBlock = ((GroupRows * lines) + blocks - 1) / blocks;
        for (var g = 0; g < groups; g++)
        {
            for (var j = 0; j < GroupRows; j++)
            {
                rows[j] = w + (Math.Min((g * GroupRows) + j, count - 1) * rowBytes);
            }

            var target = scratch + ((long)g * blocks * TSource.Stride);
            TSource.Scales(rows, blocks, target);

            var next = (g + 1) * GroupRows < count;
            var line = 0;
            for (var b = 0; b < blocks; b++, target += TSource.Stride)
            {
                if (next)
                {
                    for (var i = 0; i < perBlock && line < GroupRows * lines; i++, line++)
                    {
                        var j = line / lines;
                        Sse.Prefetch0(w + (Math.Min(((g + 1) * GroupRows) + j, count - 1) * rowBytes) + ((line - (j * lines)) * 64L));
                    }
                }

                Interleave(
                    TSource.Values(rows[0], b), TSource.Values(rows[1], b), TSource.Values(rows[2], b), TSource.Values(rows[3], b),
                    TSource.Values(rows[4], b), TSource.Values(rows[5], b), TSource.Values(rows[6], b), TSource.Values(rows[7], b),
                    target);
                if (TSource.Unsigned)
                {
                    continue;
                }

                if (offsets && TSource.Halves)
                {
                    StoreOffsets(target, 0, OffsetsAt);
                    StoreOffsets(target, ValueBytes / 2, SecondOffsetsAt);
                }
                else if (offsets)
                {
                    StoreOffsets(target, 0, OffsetsAt, ValueBytes);
                }
            }
        }
    }

    /// <summary>The 8 × 8 transpose of 32-bit pieces: piece p of every row into the register stored at 32·p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(
        Vector256<int> r0, Vector256<int> r1, Vector256<int> r2, Vector256<int> r3,
        Vector256<int> r4, Vector256<int> r5, Vector256<int> r6, Vector256<int> r7, byte* target)
    {
        // Within each 128-bit half: pairs of rows, then quadruples; the halves then hold pieces p and p + 4.
        var t0 = Avx2.UnpackLow(r0, r1);
        var t1 = Avx2.UnpackHigh(r0, r1);
        var t2 = Avx2.UnpackLow(r2, r3);
        var t3 = Avx2.UnpackHigh(r2, r3);
        var t4 = Avx2.UnpackLow(r4, r5);
        var t5 = Avx2.UnpackHigh(r4, r5);
        var t6 = Avx2.UnpackLow(r6, r7);
        var t7 = Avx2.UnpackHigh(r6, r7);
        var u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt32();
        var u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt32();
        var u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64()).AsInt32();
        var u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()).AsInt32();
        var u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64()).AsInt32();
        var p = (int*)target;
        Avx2.Permute2x128(u0, u4, 0x20).Store(p);
        Avx2.Permute2x128(u1, u5, 0x20).Store(p + 8);
        Avx2.Permute2x128(u2, u6, 0x20).Store(p + 16);
        Avx2.Permute2x128(u3, u7, 0x20).Store(p + 24);
        Avx2.Permute2x128(u0, u4, 0x31).Store(p + 32);
        Avx2.Permute2x128(u1, u5, 0x31).Store(p + 40);
        Avx2.Permute2x128(u2, u6, 0x31).Store(p + 48);
        Avx2.Permute2x128(u3, u7, 0x31).Store(p + 56);
    }

    /// <summary>
    /// −128·Σw over <paramref name="length"/> packed bytes from <paramref name="first"/> (16 or 32 values of each of the
    /// 8 rows; lane j: row j), stored at <paramref name="offsets"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOffsets(byte* packed, int first, int offsets, int length = ValueBytes / 2)
    {
        // 1·w summed in pairs (|pair| ≤ 256, no saturation), then in quadruples: each lane's four values of its row.
        var ones = Vector256.Create((byte)1);
        var pairs = Vector256.Create((short)1);
        var sum = Vector256<int>.Zero;
        for (var p = first; p < first + length; p += 32)
        {
            sum += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ones, Vector256.Load((sbyte*)packed + p)), pairs);
        }

        (sum * -128).Store((int*)(packed + offsets));
    }

    /// <summary>
    /// The fp16 scales of 8 rows of Q8_0 or Q4_0 blocks into each packed block: 8 at once, converted in registers
    /// (a lookup per row and block, the table's 256 KiB out of L1, cost a 32-token prefill a tenth of its time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherScales<TBlock>(byte** rows, int blocks, byte* target)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        for (var b = 0; b < blocks; b++, target += MinsAt)
        {
            var offset = b * TBlock.Bytes;
            if ((b & 3) == 0)
            {
                // The first touch of each row's bytes in a call: W comes from DRAM, 8 rows at once.
                for (var j = 0; j < GroupRows; j++)
                {
                    Sse.Prefetch0(rows[j] + offset + Ahead);
                }
            }

            var bits = Vector256.Create(
                *(ushort*)(rows[0] + offset), *(ushort*)(rows[1] + offset), *(ushort*)(rows[2] + offset), *(ushort*)(rows[3] + offset),
                *(ushort*)(rows[4] + offset), *(ushort*)(rows[5] + offset), *(ushort*)(rows[6] + offset), *(ushort*)(rows[7] + offset));
            WeightDecoder.HalfToSingle(Vector256.ShiftLeft(bits, 16)).Store((float*)(target + ScalesAt));
        }
    }

    /// <summary>
    /// Each packed block's rows' scales and, for the k-quants, what comes after them (Q4_K: the mins; Q6_K: the second
    /// halves' scales), row by row through <paramref name="row"/>, which unpacks a row's super-blocks.
    /// </summary>
    private static void EachRow(byte** rows, int blocks, byte* target, delegate*<byte*, int, float*, float*, void> row)
    {
        for (var j = 0; j < GroupRows; j++)
        {
            row(rows[j], blocks, (float*)(target + ScalesAt) + j, (float*)(target + MinsAt) + j);
        }
    }

    /// <summary>A weight type's blocks of 32 as the packing reads them.</summary>
    private interface IPackSource
    {
        /// <summary>Bytes of a packed block of 8 rows.</summary>
        static abstract int Stride { get; }

        /// <summary>Whether a block's values carry an offset −dmin·m besides their scale (Q4_K).</summary>
        static abstract bool Mins { get; }

        /// <summary>Whether each half of a block (16 values) has its own scale (Q6_K).</summary>
        static abstract bool Halves { get; }

        /// <summary>
        /// Whether the codes are packed unsigned as stored (Q4_0, Q4_K: 0..15) and go into <c>vpdpbusd</c>'s u8 side
        /// with x signed, their offset <see cref="CodeOffset"/> entering as −offset·Σx_q; else the values are packed
        /// signed and x enters as x + 128 with −128·Σw.
        /// </summary>
        static abstract bool Unsigned { get; }

        /// <summary>With <see cref="Unsigned"/>: what the codes stand for minus the code (Q4_0: 8; Q4_K: 0, its mins apart).</summary>
        static abstract int CodeOffset { get; }

        /// <summary>Block <paramref name="block"/> of the row at <paramref name="row"/>: its 32 values as signed bytes.</summary>
        static abstract Vector256<int> Values(byte* row, int block);

        /// <summary>
        /// The scales of <see cref="GroupRows"/> rows into their packed blocks from <paramref name="target"/>, and with
        /// <see cref="Mins"/> their offsets (with <see cref="Halves"/>: the scales of their second halves) after them.
        /// </summary>
        static abstract void Scales(byte** rows, int blocks, byte* target);
    }

    private readonly struct Q8Source : IPackSource
    {
        public static int Stride => MinsAt;

        public static bool Mins => false;

        public static bool Halves => false;

        public static bool Unsigned => false;

        public static int CodeOffset => 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Values(byte* row, int block) => QuantizedDot.Q8Block.Load(row + (block * QuantizedDot.Q8Block.Bytes)).AsInt32();

        public static void Scales(byte** rows, int blocks, byte* target) => GatherScales<QuantizedDot.Q8Block>(rows, blocks, target);
    }

    private readonly struct Q4Source : IPackSource
    {
        public static int Stride => MinsAt;

        public static bool Mins => false;

        public static bool Halves => false;

        public static bool Unsigned => true;

        public static int CodeOffset => 8;

        // Q4_0's codes 0..15 as they are: the value is code − 8.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Values(byte* row, int block) => QuantizedDot.Q4Block.Load(row + (block * QuantizedDot.Q4Block.Bytes)).AsInt32();

        public static void Scales(byte** rows, int blocks, byte* target) => GatherScales<QuantizedDot.Q4Block>(rows, blocks, target);
    }

    /// <summary>
    /// Q4_K's super-blocks of 256 (fp16 d and dmin, 12 bytes of 6-bit scales and mins, 128 bytes of codes), read as 8
    /// blocks of 32: sub-blocks 2i and 2i + 1 share 32 bytes, the first in their low nibbles, the second in their high.
    /// The codes 0..15 are packed as they are; the block's value is d·sc·q − dmin·m.
    /// </summary>
    private readonly struct Q4KSource : IPackSource
    {
        private const int Bytes = 144, PackedBytes = MinsAt + 32;

        public static int Stride => PackedBytes;

        public static bool Mins => true;

        public static bool Halves => false;

        public static bool Unsigned => true;

        public static int CodeOffset => 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Values(byte* row, int block)
        {
            var codes = row + ((block / 8) * Bytes) + 16 + (block % 8 / 2 * 32);
            var low = Vector128.Create((byte)0x0F);
            var (a, b) = (Vector128.Load(codes), Vector128.Load(codes + 16));
            return (block % 2 == 0
                ? Vector256.Create(a & low, b & low)
                : Vector256.Create(Vector128.ShiftRightLogical(a, 4), Vector128.ShiftRightLogical(b, 4))).AsInt32();
        }

        public static void Scales(byte** rows, int blocks, byte* target) => EachRow(rows, blocks, target, &Row);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Row(byte* row, int blocks, float* scales, float* second)
        {
            const int step = PackedBytes / sizeof(float);
            var values = stackalloc float[16];
            for (var b = 0; b < blocks; b += 8, row += Bytes)
            {
                var sc = KQuantDot.Q4KScalesAndMins(row, out var m);
                (sc * QuantizedDot.Scale(row)).Store(values);
                (m * -QuantizedDot.Scale(row + 2)).Store(values + 8);
                for (var j = 0; j < 8; j++)
                {
                    scales[(b + j) * step] = values[j];
                    second[(b + j) * step] = values[8 + j];
                }
            }
        }
    }

    /// <summary>
    /// Q6_K's super-blocks of 256 (128 bytes of low nibbles, 64 of 2-bit pairs, 16 int8 scales, fp16 d), read as 8
    /// blocks of 32: in each half of 128 values, blocks 0-3 take the low nibbles of bytes 0-31, of bytes 32-63, the
    /// high nibbles of 0-31 and of 32-63, with bits 0-1, 2-3, 4-5, 6-7 of the half's 32 pair bytes on top; group k of
    /// 16 has scale k. Packed as q − 32 (−32..31); each block's halves get d·sc of their group.
    /// </summary>
    private readonly struct Q6KSource : IPackSource
    {
        private const int Bytes = 210, PackedBytes = SecondOffsetsAt + 32;

        public static int Stride => PackedBytes;

        public static bool Mins => false;

        public static bool Halves => true;

        public static bool Unsigned => false;

        public static int CodeOffset => 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Values(byte* row, int block)
        {
            var super = row + ((block / 8) * Bytes);
            int half = block % 8 / 4, j = block % 4;
            var low = Vector256.Load(super + (64 * half) + (32 * (j & 1)));
            var pairs = Vector256.Load(super + 128 + (32 * half));
            var nibbles = Vector256.ShiftRightLogical(low.AsUInt16(), 4 * (j >> 1)).AsByte() & Vector256.Create((byte)0x0F);
            var top = Vector256.ShiftLeft(Vector256.ShiftRightLogical(pairs.AsUInt16(), 2 * j).AsByte() & Vector256.Create((byte)3), 4);
            return ((nibbles | top).AsSByte() - Vector256.Create((sbyte)32)).AsInt32();
        }

        public static void Scales(byte** rows, int blocks, byte* target) => EachRow(rows, blocks, target, &Row);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Row(byte* row, int blocks, float* scales, float* second)
        {
            const int step = PackedBytes / sizeof(float);
            for (var b = 0; b < blocks; b += 8, row += Bytes)
            {
                var d = QuantizedDot.Scale(row + 208);
                var sc = (sbyte*)(row + 192);
                for (var k = 0; k < 8; k++)
                {
                    scales[(b + k) * step] = d * sc[2 * k];
                    second[(b + k) * step] = d * sc[(2 * k) + 1];
                }
            }
        }
    }
}
