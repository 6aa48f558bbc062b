using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Decode (up to 8 rows of x) against fp16 or bf16 weights: each 16 (AVX-512) or 8 (AVX2) weights are loaded, widened
/// to fp32 in registers (fp16 exactly, by <see cref="WeightDecoder.HalfToSingle(Vector512{uint})"/>; bf16 by a
/// shift) and multiplied into fp32 accumulators with FMA. x stays fp32; nothing but the weights streams through memory.
/// </summary>
internal static unsafe class HalfDot
{
    // Bytes ahead of the current position to prefetch within a row.
    private const int Ahead = 1024;

    // Rows of W one core reads at once at batch 1.
    private const int Streams = 4;

    public static bool Handles(DataType type) => type is DataType.Float16 or DataType.BFloat16;

    /// <summary>y[r, n] = x[r]·W[n] + beta·y[r, n] for n in [n0, n1), with W's rows from <paramref name="w"/> (row n0).</summary>
    public static void Rows(DotPath path, DataType type, float* x, byte* w, float* y, int rows, int n0, int n1, int outputs, int inputs, long rowBytes, float beta)
    {
        var n = n0;
        if (rows == 1 && path == DotPath.Avx512 && inputs % 16 == 0)
        {
            // One row of x (decode at batch 1): four rows of W at once, a quarter of the range apart, so that one core
            // keeps enough DRAM reads in flight (each 4 KiB page is a new stream for the hardware prefetcher).
            var quarter = (n1 - n0) / Streams;
            var dots = stackalloc float[Streams];
            for (var i = 0; i < quarter; i++)
            {
                var first = (ushort*)(w + (i * rowBytes));
                var gap = quarter * rowBytes / sizeof(ushort);
                if (type == DataType.Float16)
                {
                    Row4<Fp16>(first, gap, x, inputs, dots);
                }
                else
                {
                    Row4<Bf16>(first, gap, x, inputs, dots);
                }

                for (var s = 0; s < Streams; s++)
                {
                    Store(y + n0 + i + (s * quarter), dots[s], beta);
                }
            }

            n = n0 + (Streams * quarter);
            w += Streams * quarter * rowBytes;
        }

        var sums = stackalloc float[rows];
        for (; n < n1; n++, w += rowBytes)
        {
            if (Sse.IsSupported && n + 1 < n1)
            {
                Sse.Prefetch0(w + rowBytes);
                Sse.Prefetch0(w + rowBytes + 64);
            }

            var bits = (ushort*)w;
            var k = (path, type) switch
            {
                (DotPath.Avx512, DataType.Float16) => Row512<Fp16>(bits, x, rows, inputs, sums),
                (DotPath.Avx512, _) => Row512<Bf16>(bits, x, rows, inputs, sums),
                (DotPath.Avx2, DataType.Float16) => Row256<Fp16>(bits, x, rows, inputs, sums),
                (DotPath.Avx2, _) => Row256<Bf16>(bits, x, rows, inputs, sums),
                _ => Clear(sums, rows),
            };

            // What the vectors left (all of a row on the portable path).
            for (; k < inputs; k++)
            {
                var value = type == DataType.Float16 ? Fp16.Scalar(bits[k]) : Bf16.Scalar(bits[k]);
                for (var r = 0; r < rows; r++)
                {
                    sums[r] += value * x[((long)r * inputs) + k];
                }
            }

            for (var r = 0; r < rows; r++)
            {
                Store(y + ((long)r * outputs) + n, sums[r], beta);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* target, float value, float beta) => *target = beta == 0 ? value : value + (beta * *target);

    /// <summary>dots[s] = x·W[row s·gap] for the four streams (16 | inputs); x is loaded once for all four.</summary>
    private static void Row4<T>(ushort* w, long gap, float* x, int inputs, float* dots)
        where T : struct, IHalfWidening
    {
        ushort* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var k = 0; k < inputs; k += 16)
        {
            if ((k & 31) == 0)
            {
                Sse.Prefetch0((byte*)(w0 + k) + Ahead);
                Sse.Prefetch0((byte*)(w1 + k) + Ahead);
                Sse.Prefetch0((byte*)(w2 + k) + Ahead);
                Sse.Prefetch0((byte*)(w3 + k) + Ahead);
            }

            var xv = Vector512.Load(x + k);
            a0 = Vector512.FusedMultiplyAdd(T.Widen(w0 + k), xv, a0);
            a1 = Vector512.FusedMultiplyAdd(T.Widen(w1 + k), xv, a1);
            a2 = Vector512.FusedMultiplyAdd(T.Widen(w2 + k), xv, a2);
            a3 = Vector512.FusedMultiplyAdd(T.Widen(w3 + k), xv, a3);
        }

        dots[0] = Vector512.Sum(a0);
        dots[1] = Vector512.Sum(a1);
        dots[2] = Vector512.Sum(a2);
        dots[3] = Vector512.Sum(a3);
    }

    private static int Clear(float* sums, int rows)
    {
        new Span<float>(sums, rows).Clear();
        return 0;
    }

    /// <summary>sums[r] = x[r]·row over the first multiple of 16 values; returns how many were done.</summary>
    private static int Row512<T>(ushort* w, float* x, int rows, int inputs, float* sums)
        where T : struct, IHalfWidening
    {
        var k = 0;
        if (rows == 1)
        {
            // Two accumulators: one FMA chain would wait on the FMA latency.
            Vector512<float> a0 = default, a1 = default;
            for (; k + 32 <= inputs; k += 32)
            {
                Sse.Prefetch0((byte*)(w + k) + Ahead);
                a0 = Vector512.FusedMultiplyAdd(T.Widen(w + k), Vector512.Load(x + k), a0);
                a1 = Vector512.FusedMultiplyAdd(T.Widen(w + k + 16), Vector512.Load(x + k + 16), a1);
            }

            for (; k + 16 <= inputs; k += 16)
            {
                a0 = Vector512.FusedMultiplyAdd(T.Widen(w + k), Vector512.Load(x + k), a0);
            }

            sums[0] = Vector512.Sum(a0 + a1);
            return k;
        }

        var acc = stackalloc Vector512<float>[rows];
        for (var r = 0; r < rows; r++)
        {
            acc[r] = default;
        }

        for (; k + 16 <= inputs; k += 16)
        {
            Sse.Prefetch0((byte*)(w + k) + Ahead);
            var values = T.Widen(w + k);
            for (var r = 0; r < rows; r++)
            {
                acc[r] = Vector512.FusedMultiplyAdd(values, Vector512.Load(x + ((long)r * inputs) + k), acc[r]);
            }
        }

        for (var r = 0; r < rows; r++)
        {
            sums[r] = Vector512.Sum(acc[r]);
        }

        return k;
    }

    /// <summary>sums[r] = x[r]·row over the first multiple of 8 values; returns how many were done.</summary>
    private static int Row256<T>(ushort* w, float* x, int rows, int inputs, float* sums)
        where T : struct, IHalfWidening
    {
        var k = 0;
        if (rows == 1)
        {
            Vector256<float> a0 = default, a1 = default;
            for (; k + 16 <= inputs; k += 16)
            {
                Sse.Prefetch0((byte*)(w + k) + Ahead);
                a0 = Vector256.FusedMultiplyAdd(T.Widen(Sse2.LoadVector128(w + k)), Vector256.Load(x + k), a0);
                a1 = Vector256.FusedMultiplyAdd(T.Widen(Sse2.LoadVector128(w + k + 8)), Vector256.Load(x + k + 8), a1);
            }

            for (; k + 8 <= inputs; k += 8)
            {
                a0 = Vector256.FusedMultiplyAdd(T.Widen(Sse2.LoadVector128(w + k)), Vector256.Load(x + k), a0);
            }

            sums[0] = Vector256.Sum(a0 + a1);
            return k;
        }

        var acc = stackalloc Vector256<float>[rows];
        for (var r = 0; r < rows; r++)
        {
            acc[r] = default;
        }

        for (; k + 8 <= inputs; k += 8)
        {
            if (k % 32 == 0)
            {
                Sse.Prefetch0((byte*)(w + k) + Ahead);
            }

            var values = T.Widen(Sse2.LoadVector128(w + k));
            for (var r = 0; r < rows; r++)
            {
                acc[r] = Vector256.FusedMultiplyAdd(values, Vector256.Load(x + ((long)r * inputs) + k), acc[r]);
            }
        }

        for (var r = 0; r < rows; r++)
        {
            sums[r] = Vector256.Sum(acc[r]);
        }

        return k;
    }

    /// <summary>16-bit weights to fp32, exactly.</summary>
    private interface IHalfWidening
    {
        static abstract Vector512<float> Widen(ushort* bits);

        static abstract Vector256<float> Widen(Vector128<ushort> bits);

        static abstract float Scalar(ushort bits);
    }

    private readonly struct Fp16 : IHalfWidening
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Widen(ushort* bits) => WeightDecoder.HalfToSingle(Avx512F.ConvertToVector512UInt32(Vector256.Load(bits)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Widen(Vector128<ushort> bits) => WeightDecoder.HalfToSingle(Avx2.ConvertToVector256Int32(bits).AsUInt32());

        public static float Scalar(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);
    }

    private readonly struct Bf16 : IHalfWidening
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Widen(ushort* bits) => Vector512.ShiftLeft(Avx512F.ConvertToVector512UInt32(Vector256.Load(bits)), 16).AsSingle();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Widen(Vector128<ushort> bits) => Vector256.ShiftLeft(Avx2.ConvertToVector256Int32(bits), 16).AsSingle();

        public static float Scalar(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);
    }
}
