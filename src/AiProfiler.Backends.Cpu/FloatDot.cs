using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Decode (up to 8 rows of x) against fp32, fp16 or bf16 weights: each 16 (AVX-512) or 8 (AVX2) weights are loaded,
/// widened to fp32 in registers (fp16 exactly, by <see cref="WeightDecoder.HalfToSingle(Vector512{uint})"/>; bf16 by a
/// shift) and multiplied into fp32 accumulators with FMA. x stays fp32; nothing but the weights streams through memory.
/// </summary>
internal static unsafe class FloatDot
{
    // Bytes ahead of the current position to prefetch within a row.
    private const int Ahead = 1024;

    // Rows of W one core reads at once at batch 1.
    private const int Streams = 4;

    public static bool Handles(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16;

    /// <summary>y[r, n] = x[r]·W[n] + beta·y[r, n] for n in [n0, n1), with W's rows from <paramref name="w"/> (row n0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                var first = w + (i * rowBytes);
                var gap = quarter * rowBytes;
                switch (type)
                {
                    case DataType.Float32:
                        Row4<Fp32>(first, gap, x, inputs, dots);
                        break;
                    case DataType.Float16:
                        Row4<Fp16>(first, gap, x, inputs, dots);
                        break;
                    default:
                        Row4<Bf16>(first, gap, x, inputs, dots);
                        break;
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

            var k = (path, type) switch
            {
                (DotPath.Avx512, DataType.Float32) => Row512<Fp32>(w, x, rows, inputs, sums),
                (DotPath.Avx512, DataType.Float16) => Row512<Fp16>(w, x, rows, inputs, sums),
                (DotPath.Avx512, _) => Row512<Bf16>(w, x, rows, inputs, sums),
                (DotPath.Avx2, DataType.Float32) => Row256<Fp32>(w, x, rows, inputs, sums),
                (DotPath.Avx2, DataType.Float16) => Row256<Fp16>(w, x, rows, inputs, sums),
                (DotPath.Avx2, _) => Row256<Bf16>(w, x, rows, inputs, sums),
                _ => Clear(sums, rows),
            };

            // What the vectors left (all of a row on the portable path).
            for (; k < inputs; k++)
            {
                var value = type switch
                {
                    DataType.Float32 => Fp32.Scalar(w, k),
                    DataType.Float16 => Fp16.Scalar(w, k),
                    _ => Bf16.Scalar(w, k),
                };
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row4<T>(byte* w, long gap, float* x, int inputs, float* dots)
        where T : struct, IWidening
    {
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var k = 0; k < inputs; k += 16)
        {
            if ((k * T.Bytes) % 64 == 0)
            {
                Sse.Prefetch0(w0 + (k * T.Bytes) + Ahead);
                Sse.Prefetch0(w1 + (k * T.Bytes) + Ahead);
                Sse.Prefetch0(w2 + (k * T.Bytes) + Ahead);
                Sse.Prefetch0(w3 + (k * T.Bytes) + Ahead);
            }

            var xv = Vector512.Load(x + k);
            a0 = Vector512.FusedMultiplyAdd(T.Widen16(w0, k), xv, a0);
            a1 = Vector512.FusedMultiplyAdd(T.Widen16(w1, k), xv, a1);
            a2 = Vector512.FusedMultiplyAdd(T.Widen16(w2, k), xv, a2);
            a3 = Vector512.FusedMultiplyAdd(T.Widen16(w3, k), xv, a3);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row512<T>(byte* w, float* x, int rows, int inputs, float* sums)
        where T : struct, IWidening
    {
        var k = 0;
        if (rows == 1)
        {
            // Two accumulators: one FMA chain would wait on the FMA latency.
            Vector512<float> a0 = default, a1 = default;
            for (; k + 32 <= inputs; k += 32)
            {
                Sse.Prefetch0(w + (k * T.Bytes) + Ahead);
                if (T.Bytes == 4)
                {
                    // 32 fp32 values span two lines.
                    Sse.Prefetch0(w + (k * T.Bytes) + Ahead + 64);
                }

                a0 = Vector512.FusedMultiplyAdd(T.Widen16(w, k), Vector512.Load(x + k), a0);
                a1 = Vector512.FusedMultiplyAdd(T.Widen16(w, k + 16), Vector512.Load(x + k + 16), a1);
            }

            for (; k + 16 <= inputs; k += 16)
            {
                a0 = Vector512.FusedMultiplyAdd(T.Widen16(w, k), Vector512.Load(x + k), a0);
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
            Sse.Prefetch0(w + (k * T.Bytes) + Ahead);
            var values = T.Widen16(w, k);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row256<T>(byte* w, float* x, int rows, int inputs, float* sums)
        where T : struct, IWidening
    {
        var k = 0;
        if (rows == 1)
        {
            Vector256<float> a0 = default, a1 = default;
            for (; k + 16 <= inputs; k += 16)
            {
                Sse.Prefetch0(w + (k * T.Bytes) + Ahead);
                a0 = Vector256.FusedMultiplyAdd(T.Widen8(w, k), Vector256.Load(x + k), a0);
                a1 = Vector256.FusedMultiplyAdd(T.Widen8(w, k + 8), Vector256.Load(x + k + 8), a1);
            }

            for (; k + 8 <= inputs; k += 8)
            {
                a0 = Vector256.FusedMultiplyAdd(T.Widen8(w, k), Vector256.Load(x + k), a0);
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
                Sse.Prefetch0(w + (k * T.Bytes) + Ahead);
            }

            var values = T.Widen8(w, k);
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

    /// <summary>Weights of a row to fp32, exactly: value k of <c>row</c> and the 16 or 8 from it.</summary>
    private interface IWidening
    {
        static abstract int Bytes { get; }

        static abstract Vector512<float> Widen16(byte* row, int k);

        static abstract Vector256<float> Widen8(byte* row, int k);

        static abstract float Scalar(byte* row, int k);
    }

    private readonly struct Fp32 : IWidening
    {
        public static int Bytes => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Widen16(byte* row, int k) => Vector512.Load((float*)row + k);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Widen8(byte* row, int k) => Vector256.Load((float*)row + k);

        public static float Scalar(byte* row, int k) => ((float*)row)[k];
    }

    private readonly struct Fp16 : IWidening
    {
        public static int Bytes => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Widen16(byte* row, int k) => WeightDecoder.HalfToSingle(Avx512F.ConvertToVector512UInt32(Vector256.Load((ushort*)row + k)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Widen8(byte* row, int k) => WeightDecoder.HalfToSingle(Avx2.ConvertToVector256Int32((ushort*)row + k).AsUInt32());

        public static float Scalar(byte* row, int k) => (float)BitConverter.UInt16BitsToHalf(((ushort*)row)[k]);
    }

    private readonly struct Bf16 : IWidening
    {
        public static int Bytes => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Widen16(byte* row, int k) => Vector512.ShiftLeft(Avx512F.ConvertToVector512UInt32(Vector256.Load((ushort*)row + k)), 16).AsSingle();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Widen8(byte* row, int k) => Vector256.ShiftLeft(Avx2.ConvertToVector256Int32((ushort*)row + k), 16).AsSingle();

        public static float Scalar(byte* row, int k) => BitConverter.Int32BitsToSingle(((ushort*)row)[k] << 16);
    }
}
