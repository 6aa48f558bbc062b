using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

// The AVX-512 form of the Q4_K super-block: .NET 10 has no 512-bit vpdpbusd for AVX512_VNNI, but AVX-512BW's
// vpmaddubsw + vpmaddwd take 64 codes at once, so two blocks of 32 share each multiply, conversion and FMA. Q6_K gains
// nothing from it (measured on a Zen 5: its 6-bit codes need per-half shifts and more permutes), so it stays at 256 bits.
internal static unsafe partial class KQuantDot
{
    // Lanes 0-7 of a 512-bit product are one block's partial sums, lanes 8-15 another's: each half gets its coefficient.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Blocks512(Vector512<byte> q, Vector512<sbyte> xq, Vector512<float> coefficients) =>
        Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q, xq), Vector512.Create((short)1))) * coefficients;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> sum) => sum.GetLower() + sum.GetUpper();

    /// <summary>Q4_K with 64 codes per step: bytes 0-63 hold sub-blocks 0 and 2 in their low nibbles, 1 and 3 in their high ones.</summary>
    private readonly struct Q4K512 : ISuperBlock<Q4K512.Side>
    {
        public static int Bytes => Q4KBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Side ISuperBlock<Side>.Side(Int8Activations x, long block) =>
            new(x.Values + (block * Int8Activations.Block), Vector256.Load(x.Scales + block), Vector256.Load(x.Sums + block));

        /// <summary>acc plus the super-block at <paramref name="w"/> times x's side of it, lane-wise.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Dot(byte* w, in Side x, Vector256<float> acc, float* scratch, float* halves)
        {
            acc = Q4KScales(w, x.Scales, x.Sums, acc, halves, out var c);
            // The permutes below read lanes 0-7 only; the upper half is left as it is.
            var c16 = c.ToVector512Unsafe();
            var low = Vector512.Create((byte)0x0F);
            Vector512<byte> q0 = Vector512.Load(w + 16), q1 = Vector512.Load(w + 80);
            var p0 = Blocks512(q0 & low, x.Pair0, Avx512F.PermuteVar16x32(c16, Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2)));
            var p1 = Blocks512(High(q0), x.Pair1, Avx512F.PermuteVar16x32(c16, Vector512.Create(1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3)));
            var p2 = Blocks512(q1 & low, x.Pair2, Avx512F.PermuteVar16x32(c16, Vector512.Create(4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6)));
            var p3 = Blocks512(High(q1), x.Pair3, Avx512F.PermuteVar16x32(c16, Vector512.Create(5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7, 7, 7, 7, 7, 7)));
            return acc + Fold((p0 + p1) + (p2 + p3));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<byte> High(Vector512<byte> q) => Vector512.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & Vector512.Create((byte)0x0F);

        /// <summary>
        /// x's side of one super-block: its 256 int8 values as the four pairs of blocks the code registers meet (blocks 0
        /// and 2, 1 and 3, 4 and 6, 5 and 7; built once instead of per row, 13–17 % more GB/s on a Zen 5 core), and its
        /// eight blocks' d_x and d_x·Σx_q.
        /// </summary>
        public readonly struct Side(sbyte* xq, Vector256<float> scales, Vector256<float> sums)
        {
            public Vector512<sbyte> Pair0 { get; } = Pairs(xq, 0, 64);

            public Vector512<sbyte> Pair1 { get; } = Pairs(xq, 32, 96);

            public Vector512<sbyte> Pair2 { get; } = Pairs(xq, 128, 192);

            public Vector512<sbyte> Pair3 { get; } = Pairs(xq, 160, 224);

            public Vector256<float> Scales { get; } = scales;

            public Vector256<float> Sums { get; } = sums;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector512<sbyte> Pairs(sbyte* xq, int first, int second) =>
                Avx512F.InsertVector256(Vector256.Load(xq + first).ToVector512Unsafe(), Vector256.Load(xq + second), 1);
        }
    }
}
