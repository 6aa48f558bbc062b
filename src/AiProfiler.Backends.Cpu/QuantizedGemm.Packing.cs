using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

// The repacking of a tile of W's rows into the interleaved layout the micro-kernel reads.
internal static unsafe partial class QuantizedGemm
{
    /// <summary>
    /// Packs <paramref name="count"/> rows of W (from <paramref name="w"/>, <paramref name="rowBytes"/> apart) into
    /// <paramref name="scratch"/>: for each group of 8 rows (whole pairs of groups, rows past the end repeating the
    /// last, whose results are never stored) its blocks one after another, each 8 × 32 signed values with 4-byte
    /// piece p of row j at byte 32·p + 4·j, then the 8 rows' scales, then (when <paramref name="offsets"/>) −128·Σw.
    /// </summary>
    private static void Pack(DataType type, byte* w, long rowBytes, int count, int blocks, byte* scratch, bool offsets)
    {
        if (type == DataType.Q8_0)
        {
            Pack<QuantizedDot.Q8Block>(w, rowBytes, count, blocks, scratch, offsets);
        }
        else
        {
            Pack<QuantizedDot.Q4Block>(w, rowBytes, count, blocks, scratch, offsets);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack<TBlock>(byte* w, long rowBytes, int count, int blocks, byte* scratch, bool offsets)
        where TBlock : struct, QuantizedDot.IWeightBlock
    {
        const int rowsPerKernel = GroupRows * Groups;
        var groups = (count + rowsPerKernel - 1) / rowsPerKernel * Groups;
        var rows = stackalloc byte*[GroupRows];
        for (var g = 0; g < groups; g++)
        {
            for (var j = 0; j < GroupRows; j++)
            {
                rows[j] = w + (Math.Min((g * GroupRows) + j, count - 1) * rowBytes);
            }

            var target = scratch + ((long)g * blocks * PackedBlock);
            for (var b = 0; b < blocks; b++, target += PackedBlock)
            {
                var offset = b * TBlock.Bytes;
                var scales = (float*)(target + ValueBytes);
                for (var j = 0; j < GroupRows; j++)
                {
                    scales[j] = QuantizedDot.Scale(rows[j] + offset);
                }

                Interleave(
                    Values<TBlock>(rows[0] + offset), Values<TBlock>(rows[1] + offset), Values<TBlock>(rows[2] + offset), Values<TBlock>(rows[3] + offset),
                    Values<TBlock>(rows[4] + offset), Values<TBlock>(rows[5] + offset), Values<TBlock>(rows[6] + offset), Values<TBlock>(rows[7] + offset),
                    target);
                if (offsets)
                {
                    StoreOffsets(target);
                }
            }
        }
    }

    /// <summary>A block's 32 signed values: Q4_0's codes minus 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Values<TBlock>(byte* block)
        where TBlock : struct, QuantizedDot.IWeightBlock =>
        (TBlock.Biased ? TBlock.Load(block) - Vector256.Create((sbyte)8) : TBlock.Load(block)).AsInt32();

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

    /// <summary>−128·Σw for each of the packed block's 8 rows (lane j: row j), after its scales.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOffsets(byte* packed)
    {
        // 1·w summed in pairs (|pair| ≤ 256, no saturation), then in quadruples: each lane's four values of its row.
        var ones = Vector256.Create((byte)1);
        var pairs = Vector256.Create((short)1);
        var sum = Vector256<int>.Zero;
        for (var p = 0; p < ValueBytes; p += 32)
        {
            sum += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ones, Vector256.Load((sbyte*)packed + p)), pairs);
        }

        (sum * -128).Store((int*)(packed + ValueBytes + 32));
    }
}
