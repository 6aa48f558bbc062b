using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Decode (up to <see cref="WeightLinear.FloatDotRows"/> rows of x, each through the one-row kernels) against fp32, fp16 or bf16 weights: each step loads 32 (AVX-512) or 16 (AVX2) weights
/// as two vectors, widens them to fp32 in registers and multiplies them into fp32 accumulators with FMA. fp16 and bf16
/// are widened two per 32-bit lane: the lane's high half as it stands, its low half shifted up, then rebased (fp16,
/// see <see cref="Fp16"/>: w·2^-112 exactly, the 2^112 carried by x and the sums) or nothing more (bf16). So one vector holds
/// the even weights of the step and the other the odd ones, and x is copied once per call in that order
/// (<see cref="Pair"/>); this takes a third of the operations of zero-extending each half, which had kept fp16 decode
/// on one core at 6 G weights/s, below DRAM speed. x stays fp32; nothing but the weights streams through memory.
/// </summary>
internal static unsafe class FloatDot
{

    // Rows of W one core reads at once at batch 1.
    private const int Streams = 4;

    public static bool Handles(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16;

    /// <summary>
    /// y[r, n] = x[r]·W[n] + beta·y[r, n] for n in [n0, n1), with W's rows from <paramref name="w"/> (row n0).
    /// <paramref name="finiteHalves"/>: the caller knows W holds no fp16 infinity or NaN (see
    /// <see cref="CpuBuffer.HoldsOnlyFiniteHalves"/>), so the fp16 kernels skip the exponent check of every step.
    /// </summary>
    public static void Rows(DotPath path, DataType type, float* x, byte* w, float* y, int rows, int n0, int n1, int outputs, int inputs, long rowBytes, float beta, bool finiteHalves = false)
    {
        var paired = PairFor(path, type, x, rows, inputs, out var unscale);
        try
        {
            RowsPaired(path, type, x, paired, w, y, rows, n0, n1, outputs, inputs, rowBytes, beta, unscale, finiteHalves);
        }
        finally
        {
            NativeMemory.AlignedFree(paired);
        }
    }

    /// <summary>
    /// x's side of the fp16 and bf16 kernels on <paramref name="path"/>, once per call: x's rows in the order the paired
    /// widening produces (<see cref="Pair"/>), fp16's times the rebasing power of two, and in
    /// <paramref name="unscale"/> what the sums are multiplied by afterwards. Null (and 1) where the kernels read x as
    /// it is (fp32, the portable path); otherwise the caller frees it with <see cref="NativeMemory.AlignedFree"/>.
    /// </summary>
    public static float* PairFor(DotPath path, DataType type, float* x, int rows, int inputs, out float unscale)
    {
        unscale = 1f;
        var step = Step(path);
        if (step == 0 || type == DataType.Float32)
        {
            return null;
        }

        var paired = (float*)NativeMemory.AlignedAlloc((nuint)((long)rows * inputs * sizeof(float)), 64);
        // fp16 is widened rebased (w·2^-112, see Fp16): x goes in times 2^s and the sums come out times 2^(112-s).
        var rebased = type == DataType.Float16;
        var s = rebased ? RebaseShift(x, (long)rows * inputs) : 0;
        Pair(x, paired, rows, inputs, step, MathF.ScaleB(1f, s));
        unscale = rebased ? MathF.ScaleB(1f, Fp16.Rebase - s) : 1f;
        return paired;
    }

    /// <summary><see cref="Rows"/> with x's side from <see cref="PairFor"/> (<paramref name="paired"/> null: x as it is).</summary>
    public static void RowsPaired(DotPath path, DataType type, float* x, float* paired, byte* w, float* y, int rows, int n0, int n1, int outputs, int inputs, long rowBytes, float beta, float unscale, bool finiteHalves)
    {
        if (paired == null)
        {
            RowsIn(path, type, x, x, w, y, rows, n0, n1, outputs, inputs, rowBytes, beta, 1f, false);
            return;
        }

        RowsIn(path, type, x, paired, w, y, rows, n0, n1, outputs, inputs, rowBytes, beta, unscale, finiteHalves);
    }

    /// <summary>
    /// <see cref="RowsPaired"/> for two rows of x (one row each, into <paramref name="y0"/> and <paramref name="y1"/>):
    /// on the AVX-512 and AVX2 paths each step of W is widened once for both (<see cref="Row4Two{T}"/>,
    /// <see cref="Row4x256Two{T}"/>); on the portable path, and for the rows a quarter cannot take, each row of x on its own.
    /// </summary>
    public static void RowsPairedTwo(DotPath path, DataType type, float* x0, float* x1, float* paired0, float* paired1, byte* w, float* y0, float* y1, int n0, int n1, int outputs, int inputs, long rowBytes, float beta, float unscale, bool finiteHalves)
    {
        var n = n0;
        if ((path == DotPath.Avx512 && inputs % 32 == 0) || (path == DotPath.Avx2 && inputs % 16 == 0))
        {
            float* xs0 = paired0 == null ? x0 : paired0, xs1 = paired1 == null ? x1 : paired1;
            var scale = paired0 == null ? 1f : unscale;
            var quarter = (n1 - n0) / Streams;
            var dots = stackalloc float[2 * Streams];
            var gap = quarter * rowBytes;
            for (var i = 0; i < quarter; i++)
            {
                var first = w + (i * rowBytes);
                var special = (path, type, finiteHalves) switch
                {
                    (DotPath.Avx512, DataType.Float32, _) => Row4Two<Fp32>(first, gap, xs0, xs1, inputs, dots),
                    (DotPath.Avx512, DataType.Float16, true) => Row4Two<FiniteFp16>(first, gap, xs0, xs1, inputs, dots),
                    (DotPath.Avx512, DataType.Float16, false) => Row4Two<Fp16>(first, gap, xs0, xs1, inputs, dots),
                    (DotPath.Avx512, _, _) => Row4Two<Bf16>(first, gap, xs0, xs1, inputs, dots),
                    (_, DataType.Float32, _) => Row4x256Two<Fp32>(first, gap, xs0, xs1, inputs, dots),
                    (_, DataType.Float16, true) => Row4x256Two<FiniteFp16>(first, gap, xs0, xs1, inputs, dots),
                    (_, DataType.Float16, false) => Row4x256Two<Fp16>(first, gap, xs0, xs1, inputs, dots),
                    _ => Row4x256Two<Bf16>(first, gap, xs0, xs1, inputs, dots),
                };
                for (var s = 0; s < Streams; s++)
                {
                    var row = first + (s * gap);
                    var special0 = (special & (1 << s)) != 0;
                    Store(y0 + n0 + i + (s * quarter), special0 ? Exact(type, row, x0, inputs) : dots[s] * scale, beta);
                    Store(y1 + n0 + i + (s * quarter), special0 ? Exact(type, row, x1, inputs) : dots[Streams + s] * scale, beta);
                }
            }

            n = n0 + (Streams * quarter);
        }

        if (n < n1)
        {
            var rest = w + ((n - n0) * rowBytes);
            RowsPaired(path, type, x0, paired0, rest, y0, 1, n, n1, outputs, inputs, rowBytes, beta, unscale, finiteHalves);
            RowsPaired(path, type, x1, paired1, rest, y1, 1, n, n1, outputs, inputs, rowBytes, beta, unscale, finiteHalves);
        }
    }

    // Values per step of the paired widening: 32 with AVX-512, 16 with AVX2, none on the portable path.
    private static int Step(DotPath path) => path switch
    {
        DotPath.Avx512 => 32,
        DotPath.Avx2 => 16,
        _ => 0,
    };

    /// <summary>
    /// x in the order the paired widening produces: within each whole step of each row the even values, then the
    /// odd ones; a row's last partial step is copied as it is (the scalar tail reads the original x).
    /// </summary>
    internal static void Pair(float* x, float* paired, int rows, int inputs, int step, float scale = 1f)
    {
        var half = step / 2;
        for (var r = 0; r < rows; r++)
        {
            var source = x + ((long)r * inputs);
            var target = paired + ((long)r * inputs);
            var k = 0;
            if (step == 32 && Vector512.IsHardwareAccelerated)
            {
                // A step's 32 values as two registers: the even ones and the odd ones gathered by two-table permutes
                // (the loop below took about 2.5 µs per 2048 values, a tenth of a one-row fp16 GEMV in cache).
                var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                var odd = even + Vector512<int>.One;
                var factor = Vector512.Create(scale);
                for (; k + step <= inputs; k += step)
                {
                    Vector512<float> a = Vector512.Load(source + k), b = Vector512.Load(source + k + 16);
                    (Avx512F.PermuteVar16x32x2(a, even, b) * factor).Store(target + k);
                    (Avx512F.PermuteVar16x32x2(a, odd, b) * factor).Store(target + k + 16);
                }
            }
            else if (step == 16 && Avx2.IsSupported)
            {
                var factor = Vector256.Create(scale);
                for (; k + step <= inputs; k += step)
                {
                    Vector256<float> a = Vector256.Load(source + k), b = Vector256.Load(source + k + 8);
                    // [a0 a2 b0 b2 | a4 a6 b4 b6], then the 64-bit pairs in order.
                    var evens = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
                    var odds = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
                    (evens * factor).Store(target + k);
                    (odds * factor).Store(target + k + 8);
                }
            }

            for (; k + step <= inputs; k += step)
            {
                for (var j = 0; j < half; j++)
                {
                    target[k + j] = scale * source[k + (2 * j)];
                    target[k + half + j] = scale * source[k + (2 * j) + 1];
                }
            }

            new ReadOnlySpan<float>(source + k, inputs - k).CopyTo(new Span<float>(target + k, inputs - k));
        }
    }

    /// <summary>
    /// The s for which x·2^s cannot overflow (|x| &lt; 2^(e+1) for the largest exponent e in x, so s ≤ 126 − e), capped at
    /// <see cref="Fp16.Rebase"/>: for every |x| below 2^14 it is 112 and the rebased products are the plain products,
    /// rounded alike. x holding an infinity or NaN gives 0 (the result is ±∞ or NaN either way).
    /// </summary>
    internal static int RebaseShift(float* x, long count)
    {
        // MaxMagnitude gives NaN if x holds one, and then the all-ones exponent as an infinity does.
        var largest = count == 0 ? 0f : System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(new ReadOnlySpan<float>(x, checked((int)count)));
        var biased = (BitConverter.SingleToInt32Bits(largest) & 0x7fffffff) >> 23;
        return biased == 255 ? 0 : Math.Min(Fp16.Rebase, 253 - biased);
    }

    // Compiled optimized at once: tiered compilation would run the first few dozen calls (a whole short decode for
    // rarely called shapes such as the LM head) as unoptimized tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsIn(DotPath path, DataType type, float* x, float* xs, byte* w, float* y, int rows, int n0, int n1, int outputs, int inputs, long rowBytes, float beta, float unscale, bool finite)
    {
        var n = n0;
        if (rows == 1 && ((path == DotPath.Avx512 && inputs % 32 == 0) || (path == DotPath.Avx2 && inputs % 16 == 0)))
        {
            // One row of x (decode at batch 1): four rows of W at once, a quarter of the range apart, so that one core
            // keeps enough DRAM reads in flight (each 4 KiB page is a new stream for the hardware prefetcher).
            var quarter = (n1 - n0) / Streams;
            var dots = stackalloc float[Streams];
            for (var i = 0; i < quarter; i++)
            {
                var first = w + (i * rowBytes);
                var gap = quarter * rowBytes;
                var special = (path, type) switch
                {
                    (DotPath.Avx512, DataType.Float32) => Row4<Fp32>(first, gap, xs, inputs, dots),
                    (DotPath.Avx512, DataType.Float16) when finite => Row4<FiniteFp16>(first, gap, xs, inputs, dots),
                    (DotPath.Avx512, DataType.Float16) => Row4<Fp16>(first, gap, xs, inputs, dots),
                    (DotPath.Avx512, _) => Row4<Bf16>(first, gap, xs, inputs, dots),
                    (_, DataType.Float32) => Row4x256<Fp32>(first, gap, xs, inputs, dots),
                    (_, DataType.Float16) when finite => Row4x256<FiniteFp16>(first, gap, xs, inputs, dots),
                    (_, DataType.Float16) => Row4x256<Fp16>(first, gap, xs, inputs, dots),
                    _ => Row4x256<Bf16>(first, gap, xs, inputs, dots),
                };

                for (var s = 0; s < Streams; s++)
                {
                    // A row holding an fp16 infinity or NaN (never in a trained model) is summed again exactly.
                    var dot = (special & (1 << s)) != 0 ? Exact(type, first + (s * gap), x, inputs) : dots[s] * unscale;
                    Store(y + n0 + i + (s * quarter), dot, beta);
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
                (DotPath.Avx512, DataType.Float32) => Row512<Fp32>(w, xs, rows, inputs, sums),
                (DotPath.Avx512, DataType.Float16) when finite => Row512<FiniteFp16>(w, xs, rows, inputs, sums),
                (DotPath.Avx512, DataType.Float16) => Row512<Fp16>(w, xs, rows, inputs, sums),
                (DotPath.Avx512, _) => Row512<Bf16>(w, xs, rows, inputs, sums),
                (DotPath.Avx2, DataType.Float32) => Row256<Fp32>(w, xs, rows, inputs, sums),
                (DotPath.Avx2, DataType.Float16) when finite => Row256<FiniteFp16>(w, xs, rows, inputs, sums),
                (DotPath.Avx2, DataType.Float16) => Row256<Fp16>(w, xs, rows, inputs, sums),
                (DotPath.Avx2, _) => Row256<Bf16>(w, xs, rows, inputs, sums),
                _ => Clear(sums, rows),
            };
            if (k < 0)
            {
                // The row holds an fp16 infinity or NaN: all of it again, exactly.
                for (var r = 0; r < rows; r++)
                {
                    sums[r] = Exact(type, w, x + ((long)r * inputs), inputs);
                }

                k = inputs;
            }
            else if (unscale != 1f)
            {
                for (var r = 0; r < rows; r++)
                {
                    sums[r] *= unscale;
                }
            }

            // What the vectors left (all of a row on the portable path).
            for (; k < inputs; k++)
            {
                var value = type switch
                {
                    DataType.Float32 => ((float*)w)[k],
                    DataType.Float16 => (float)BitConverter.UInt16BitsToHalf(((ushort*)w)[k]),
                    _ => BitConverter.Int32BitsToSingle(((ushort*)w)[k] << 16),
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

    /// <summary>x·row in order, one value at a time (rows the vector kernels hand back).</summary>
    private static float Exact(DataType type, byte* row, float* x, int inputs)
    {
        var sum = 0f;
        for (var k = 0; k < inputs; k++)
        {
            var value = type switch
            {
                DataType.Float32 => ((float*)row)[k],
                DataType.Float16 => (float)BitConverter.UInt16BitsToHalf(((ushort*)row)[k]),
                _ => BitConverter.Int32BitsToSingle(((ushort*)row)[k] << 16),
            };
            sum += value * x[k];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* target, float value, float beta) => *target = beta == 0 ? value : value + (beta * *target);

    /// <summary>
    /// dots[s] = x·W[row s·gap] for the four streams (32 | inputs); x is loaded once for all four. Returns a bit per
    /// stream whose row holds an fp16 infinity or NaN (its dot is then not valid).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row4<T>(byte* w, long gap, float* x, int inputs, float* dots)
        where T : struct, IWidening
    {
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<ushort> f0 = default, f1 = default, f2 = default, f3 = default;
        for (var k = 0; k < inputs; k += 32)
        {
            var at = (k * T.Bytes) + T.Ahead;
            QuantizedDot.Prefetch4(w0 + at, gap);
            if (T.Bytes == 4)
            {
                // 32 fp32 values span two lines.
                QuantizedDot.Prefetch4(w0 + at + 64, gap);
            }

            var xl = Vector512.Load(x + k);
            var xh = Vector512.Load(x + k + 16);
            T.Widen32(w0, k, out var l0, out var h0, out var e0);
            T.Widen32(w1, k, out var l1, out var h1, out var e1);
            T.Widen32(w2, k, out var l2, out var h2, out var e2);
            T.Widen32(w3, k, out var l3, out var h3, out var e3);
            if (T.Checks)
            {
                f0 = Vector512.Max(f0, e0);
                f1 = Vector512.Max(f1, e1);
                f2 = Vector512.Max(f2, e2);
                f3 = Vector512.Max(f3, e3);
            }

            a0 = Vector512.FusedMultiplyAdd(h0, xh, Vector512.FusedMultiplyAdd(l0, xl, a0));
            a1 = Vector512.FusedMultiplyAdd(h1, xh, Vector512.FusedMultiplyAdd(l1, xl, a1));
            a2 = Vector512.FusedMultiplyAdd(h2, xh, Vector512.FusedMultiplyAdd(l2, xl, a2));
            a3 = Vector512.FusedMultiplyAdd(h3, xh, Vector512.FusedMultiplyAdd(l3, xl, a3));
        }

        dots[0] = Vector512.Sum(a0);
        dots[1] = Vector512.Sum(a1);
        dots[2] = Vector512.Sum(a2);
        dots[3] = Vector512.Sum(a3);
        if (!T.Checks)
        {
            return 0;
        }

        var top = Vector512.Create(Fp16.TopExponent);
        return (Vector512.EqualsAny(f0, top) ? 1 : 0) | (Vector512.EqualsAny(f1, top) ? 2 : 0) | (Vector512.EqualsAny(f2, top) ? 4 : 0) | (Vector512.EqualsAny(f3, top) ? 8 : 0);
    }

    /// <summary>
    /// <see cref="Row4{T}"/> for two rows of x (<paramref name="x0"/> into dots 0-3, <paramref name="x1"/> into 4-7):
    /// each row of W's step is widened once and meets both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row4Two<T>(byte* w, long gap, float* x0, float* x1, int inputs, float* dots)
        where T : struct, IWidening
    {
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        Vector512<ushort> f = default;
        for (var k = 0; k < inputs; k += 32)
        {
            var at = (k * T.Bytes) + T.Ahead;
            QuantizedDot.Prefetch4(w0 + at, gap);
            if (T.Bytes == 4)
            {
                QuantizedDot.Prefetch4(w0 + at + 64, gap);
            }

            Vector512<float> xl = Vector512.Load(x0 + k), xh = Vector512.Load(x0 + k + 16);
            Vector512<float> zl = Vector512.Load(x1 + k), zh = Vector512.Load(x1 + k + 16);
            T.Widen32(w0, k, out var l0, out var h0, out var e0);
            a0 = Vector512.FusedMultiplyAdd(h0, xh, Vector512.FusedMultiplyAdd(l0, xl, a0));
            b0 = Vector512.FusedMultiplyAdd(h0, zh, Vector512.FusedMultiplyAdd(l0, zl, b0));
            T.Widen32(w1, k, out var l1, out var h1, out var e1);
            a1 = Vector512.FusedMultiplyAdd(h1, xh, Vector512.FusedMultiplyAdd(l1, xl, a1));
            b1 = Vector512.FusedMultiplyAdd(h1, zh, Vector512.FusedMultiplyAdd(l1, zl, b1));
            T.Widen32(w2, k, out var l2, out var h2, out var e2);
            a2 = Vector512.FusedMultiplyAdd(h2, xh, Vector512.FusedMultiplyAdd(l2, xl, a2));
            b2 = Vector512.FusedMultiplyAdd(h2, zh, Vector512.FusedMultiplyAdd(l2, zl, b2));
            T.Widen32(w3, k, out var l3, out var h3, out var e3);
            a3 = Vector512.FusedMultiplyAdd(h3, xh, Vector512.FusedMultiplyAdd(l3, xl, a3));
            b3 = Vector512.FusedMultiplyAdd(h3, zh, Vector512.FusedMultiplyAdd(l3, zl, b3));
            if (T.Checks)
            {
                // The four rows' exponents in one register's quarters would need shuffles; a max per row is as cheap.
                f = Vector512.Max(Vector512.Max(f, Vector512.Max(e0, e1)), Vector512.Max(e2, e3));
            }
        }

        dots[0] = Vector512.Sum(a0);
        dots[1] = Vector512.Sum(a1);
        dots[2] = Vector512.Sum(a2);
        dots[3] = Vector512.Sum(a3);
        dots[4] = Vector512.Sum(b0);
        dots[5] = Vector512.Sum(b1);
        dots[6] = Vector512.Sum(b2);
        dots[7] = Vector512.Sum(b3);
        // An infinity or NaN in any of the four rows: all four summed again exactly (never in a trained model).
        return T.Checks && Vector512.EqualsAny(f, Vector512.Create(Fp16.TopExponent)) ? 0b1111 : 0;
    }

    /// <summary>
    /// <see cref="Row4x256{T}"/> for two rows of x (dots 0-3 and 4-7): W's 16 values per row and step widened once for
    /// both. One accumulator per row of W and of x (eight, where the one-row kernel keeps a step's halves apart): with
    /// x's values and the widened halves AVX2's sixteen registers hold no more.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row4x256Two<T>(byte* w, long gap, float* x0, float* x1, int inputs, float* dots)
        where T : struct, IWidening
    {
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        Vector256<ushort> f = default;
        for (var k = 0; k < inputs; k += 16)
        {
            var at = (k * T.Bytes) + T.Ahead;
            if (T.Bytes == 4 || (k & 16) == 0)
            {
                QuantizedDot.Prefetch4(w0 + at, gap);
            }

            Vector256<float> xl = Vector256.Load(x0 + k), xh = Vector256.Load(x0 + k + 8);
            Vector256<float> zl = Vector256.Load(x1 + k), zh = Vector256.Load(x1 + k + 8);
            T.Widen16(w0, k, out var l0, out var h0, out var e0);
            a0 = Vector256.FusedMultiplyAdd(h0, xh, Vector256.FusedMultiplyAdd(l0, xl, a0));
            b0 = Vector256.FusedMultiplyAdd(h0, zh, Vector256.FusedMultiplyAdd(l0, zl, b0));
            T.Widen16(w1, k, out var l1, out var h1, out var e1);
            a1 = Vector256.FusedMultiplyAdd(h1, xh, Vector256.FusedMultiplyAdd(l1, xl, a1));
            b1 = Vector256.FusedMultiplyAdd(h1, zh, Vector256.FusedMultiplyAdd(l1, zl, b1));
            T.Widen16(w2, k, out var l2, out var h2, out var e2);
            a2 = Vector256.FusedMultiplyAdd(h2, xh, Vector256.FusedMultiplyAdd(l2, xl, a2));
            b2 = Vector256.FusedMultiplyAdd(h2, zh, Vector256.FusedMultiplyAdd(l2, zl, b2));
            T.Widen16(w3, k, out var l3, out var h3, out var e3);
            a3 = Vector256.FusedMultiplyAdd(h3, xh, Vector256.FusedMultiplyAdd(l3, xl, a3));
            b3 = Vector256.FusedMultiplyAdd(h3, zh, Vector256.FusedMultiplyAdd(l3, zl, b3));
            if (T.Checks)
            {
                f = Vector256.Max(Vector256.Max(f, Vector256.Max(e0, e1)), Vector256.Max(e2, e3));
            }
        }

        dots[0] = Vector256.Sum(a0);
        dots[1] = Vector256.Sum(a1);
        dots[2] = Vector256.Sum(a2);
        dots[3] = Vector256.Sum(a3);
        dots[4] = Vector256.Sum(b0);
        dots[5] = Vector256.Sum(b1);
        dots[6] = Vector256.Sum(b2);
        dots[7] = Vector256.Sum(b3);
        return T.Checks && Vector256.EqualsAny(f, Vector256.Create(Fp16.TopExponent)) ? 0b1111 : 0;
    }

    /// <summary>
    /// <see cref="Row4"/> in 256-bit vectors (AVX2), 16 weights per row a step, with the step's two halves in separate
    /// accumulators: eight independent FMA chains, where one row at a time (<see cref="Row256"/>) left two, each step
    /// waiting on the FMA latency. On Zen 5 with AVX-512 turned off (`gemv threads=1`, Llama-3.2-1B's shapes), one core's
    /// fp16 GEMV went from 16–25 to 33–38 GB/s of weights, bf16's from 18–25 to 34–39 and fp32's from 18–33 to 37–39,
    /// at DRAM speed where it had been at two thirds of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row4x256<T>(byte* w, long gap, float* x, int inputs, float* dots)
        where T : struct, IWidening
    {
        byte* w0 = w, w1 = w + gap, w2 = w1 + gap, w3 = w2 + gap;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        Vector256<ushort> f0 = default, f1 = default, f2 = default, f3 = default;
        for (var k = 0; k < inputs; k += 16)
        {
            // 16 fp32 values span a line, 16 halves half of one.
            var at = (k * T.Bytes) + T.Ahead;
            if (T.Bytes == 4 || (k & 16) == 0)
            {
                Sse.Prefetch0(w0 + at);
                Sse.Prefetch0(w1 + at);
                Sse.Prefetch0(w2 + at);
                Sse.Prefetch0(w3 + at);
            }

            var xl = Vector256.Load(x + k);
            var xh = Vector256.Load(x + k + 8);
            T.Widen16(w0, k, out var l0, out var h0, out var e0);
            a0 = Vector256.FusedMultiplyAdd(l0, xl, a0);
            b0 = Vector256.FusedMultiplyAdd(h0, xh, b0);
            T.Widen16(w1, k, out var l1, out var h1, out var e1);
            a1 = Vector256.FusedMultiplyAdd(l1, xl, a1);
            b1 = Vector256.FusedMultiplyAdd(h1, xh, b1);
            T.Widen16(w2, k, out var l2, out var h2, out var e2);
            a2 = Vector256.FusedMultiplyAdd(l2, xl, a2);
            b2 = Vector256.FusedMultiplyAdd(h2, xh, b2);
            T.Widen16(w3, k, out var l3, out var h3, out var e3);
            a3 = Vector256.FusedMultiplyAdd(l3, xl, a3);
            b3 = Vector256.FusedMultiplyAdd(h3, xh, b3);
            if (T.Checks)
            {
                f0 = Vector256.Max(f0, e0);
                f1 = Vector256.Max(f1, e1);
                f2 = Vector256.Max(f2, e2);
                f3 = Vector256.Max(f3, e3);
            }
        }

        dots[0] = Vector256.Sum(a0 + b0);
        dots[1] = Vector256.Sum(a1 + b1);
        dots[2] = Vector256.Sum(a2 + b2);
        dots[3] = Vector256.Sum(a3 + b3);
        if (!T.Checks)
        {
            return 0;
        }

        var top = Vector256.Create(Fp16.TopExponent);
        return (Vector256.EqualsAny(f0, top) ? 1 : 0) | (Vector256.EqualsAny(f1, top) ? 2 : 0) | (Vector256.EqualsAny(f2, top) ? 4 : 0) | (Vector256.EqualsAny(f3, top) ? 8 : 0);
    }

    private static int Clear(float* sums, int rows)
    {
        new Span<float>(sums, rows).Clear();
        return 0;
    }

    /// <summary>
    /// sums[r] = x[r]·row over the first multiple of 32 values; returns how many were done, or −1 when the row holds an
    /// fp16 infinity or NaN (the sums are then not valid).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row512<T>(byte* w, float* x, int rows, int inputs, float* sums)
        where T : struct, IWidening
    {
        var k = 0;
        Vector512<ushort> f = default;
        if (rows == 1)
        {
            // Two accumulators: one FMA chain would wait on the FMA latency.
            Vector512<float> a0 = default, a1 = default;
            for (; k + 32 <= inputs; k += 32)
            {
                Sse.Prefetch0(w + (k * T.Bytes) + T.Ahead);
                if (T.Bytes == 4)
                {
                    Sse.Prefetch0(w + (k * T.Bytes) + T.Ahead + 64);
                }

                T.Widen32(w, k, out var low, out var high, out var exponents);
                if (T.Checks)
                {
                    f = Vector512.Max(f, exponents);
                }

                a0 = Vector512.FusedMultiplyAdd(low, Vector512.Load(x + k), a0);
                a1 = Vector512.FusedMultiplyAdd(high, Vector512.Load(x + k + 16), a1);
            }

            sums[0] = Vector512.Sum(a0 + a1);
            return T.Checks && Vector512.EqualsAny(f, Vector512.Create(Fp16.TopExponent)) ? -1 : k;
        }

        var acc = stackalloc Vector512<float>[rows];
        for (var r = 0; r < rows; r++)
        {
            acc[r] = default;
        }

        for (; k + 32 <= inputs; k += 32)
        {
            Sse.Prefetch0(w + (k * T.Bytes) + T.Ahead);
            T.Widen32(w, k, out var low, out var high, out var exponents);
            if (T.Checks)
            {
                f = Vector512.Max(f, exponents);
            }

            for (var r = 0; r < rows; r++)
            {
                var xr = x + ((long)r * inputs) + k;
                acc[r] = Vector512.FusedMultiplyAdd(high, Vector512.Load(xr + 16), Vector512.FusedMultiplyAdd(low, Vector512.Load(xr), acc[r]));
            }
        }

        for (var r = 0; r < rows; r++)
        {
            sums[r] = Vector512.Sum(acc[r]);
        }

        return T.Checks && Vector512.EqualsAny(f, Vector512.Create(Fp16.TopExponent)) ? -1 : k;
    }

    /// <inheritdoc cref="Row512"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Row256<T>(byte* w, float* x, int rows, int inputs, float* sums)
        where T : struct, IWidening
    {
        var k = 0;
        Vector256<ushort> f = default;
        if (rows == 1)
        {
            Vector256<float> a0 = default, a1 = default;
            for (; k + 16 <= inputs; k += 16)
            {
                Sse.Prefetch0(w + (k * T.Bytes) + T.Ahead);
                T.Widen16(w, k, out var low, out var high, out var exponents);
                if (T.Checks)
                {
                    f = Vector256.Max(f, exponents);
                }

                a0 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x + k), a0);
                a1 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x + k + 8), a1);
            }

            sums[0] = Vector256.Sum(a0 + a1);
            return T.Checks && Vector256.EqualsAny(f, Vector256.Create(Fp16.TopExponent)) ? -1 : k;
        }

        var acc = stackalloc Vector256<float>[rows];
        for (var r = 0; r < rows; r++)
        {
            acc[r] = default;
        }

        for (; k + 16 <= inputs; k += 16)
        {
            if (k % 32 == 0)
            {
                Sse.Prefetch0(w + (k * T.Bytes) + T.Ahead);
            }

            T.Widen16(w, k, out var low, out var high, out var exponents);
            if (T.Checks)
            {
                f = Vector256.Max(f, exponents);
            }

            for (var r = 0; r < rows; r++)
            {
                var xr = x + ((long)r * inputs) + k;
                acc[r] = Vector256.FusedMultiplyAdd(high, Vector256.Load(xr + 8), Vector256.FusedMultiplyAdd(low, Vector256.Load(xr), acc[r]));
            }
        }

        for (var r = 0; r < rows; r++)
        {
            sums[r] = Vector256.Sum(acc[r]);
        }

        return T.Checks && Vector256.EqualsAny(f, Vector256.Create(Fp16.TopExponent)) ? -1 : k;
    }

    /// <summary>
    /// Weights of a row to fp32 a step at a time from value k: two vectors in the order x is given (fp32: the first and
    /// second half of the step; fp16 and bf16: the even and the odd values, see <see cref="Pair"/>). Exact for fp32 and
    /// bf16; <see cref="Rebased"/> types give w·2^-112 and, in <c>exponents</c>, what the kernels need to find rows
    /// holding infinities or NaNs.
    /// </summary>
    private interface IWidening
    {
        static abstract int Bytes { get; }

        /// <summary>
        /// Bytes ahead of the current position a row is prefetched: fp32 1024, fp16 and bf16 1536. With 1024 the
        /// two-byte types read 3–10 % slower from DRAM than with 1536 on one Zen 5 core (Llama-3.2-1B's shapes, distances
        /// alternating per round in one process; 2048 about as good, 2560 and more slower), while fp32 is best at 1024.
        /// </summary>
        static abstract int Ahead { get; }

        /// <summary>Whether the values come out times 2^-<see cref="Fp16.Rebase"/> (x must come in times 2^s, see <see cref="RebaseShift"/>).</summary>
        static abstract bool Rebased { get; }

        /// <summary>Whether <c>exponents</c> must be watched for fp16 infinities and NaNs, which rebased come out finite.</summary>
        static abstract bool Checks { get; }

        static abstract void Widen32(byte* row, int k, out Vector512<float> low, out Vector512<float> high, out Vector512<ushort> exponents);

        static abstract void Widen16(byte* row, int k, out Vector256<float> low, out Vector256<float> high, out Vector256<ushort> exponents);
    }

    private readonly struct Fp32 : IWidening
    {
        public static int Bytes => 4;

        public static int Ahead => 1024;

        public static bool Rebased => false;

        public static bool Checks => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen32(byte* row, int k, out Vector512<float> low, out Vector512<float> high, out Vector512<ushort> exponents)
        {
            low = Vector512.Load((float*)row + k);
            high = Vector512.Load((float*)row + k + 16);
            exponents = default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen16(byte* row, int k, out Vector256<float> low, out Vector256<float> high, out Vector256<ushort> exponents)
        {
            low = Vector256.Load((float*)row + k);
            high = Vector256.Load((float*)row + k + 8);
            exponents = default;
        }
    }

    /// <summary>
    /// fp16 rebased: an arithmetic shift by 3 and a mask put a half's sign, exponent and mantissa where fp32 has them,
    /// which is exactly w·2^-112 as an fp32 value for every finite half (normals as normals, subnormals as fp32
    /// denormals, which the FMA takes at full speed); the 2^112 moves to x and the sums (<see cref="RebaseShift"/>), so
    /// there is no per-weight multiply at all (3 operations per 16 weights against 5 for
    /// <see cref="WeightDecoder.HalfToSingle(Vector512{int})"/>: on Zen 5 the fp16 decode loop in L1 went from 20 to
    /// 27 G halves/s). An infinity or NaN would come out finite, so each half's exponent bits are kept (one AND; the
    /// kernels take their running maximum, one more) and a row where they reach 31 is summed again exactly.
    /// </summary>
    private readonly struct Fp16 : IWidening
    {
        /// <summary>fp32's exponent bias less fp16's: the power of two the rebased values lack.</summary>
        public const int Rebase = 112;

        /// <summary>An fp16 exponent field of all ones (infinity or NaN), in place in the half's 16 bits.</summary>
        public const ushort TopExponent = 0x7c00;

        public static int Bytes => 2;

        public static int Ahead => 1536;

        public static bool Rebased => true;

        public static bool Checks => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen32(byte* row, int k, out Vector512<float> low, out Vector512<float> high, out Vector512<ushort> exponents)
        {
            var lanes = Vector512.Load((int*)((ushort*)row + k));
            var fields = Vector512.Create(unchecked((int)0x8fffe000));
            low = (Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(lanes, 16), 3) & fields).AsSingle();
            high = (Vector512.ShiftRightArithmetic(lanes, 3) & fields).AsSingle();
            exponents = (lanes & Vector512.Create(0x7c007c00)).AsUInt16();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen16(byte* row, int k, out Vector256<float> low, out Vector256<float> high, out Vector256<ushort> exponents)
        {
            var lanes = Vector256.Load((int*)((ushort*)row + k));
            var fields = Vector256.Create(unchecked((int)0x8fffe000));
            low = (Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(lanes, 16), 3) & fields).AsSingle();
            high = (Vector256.ShiftRightArithmetic(lanes, 3) & fields).AsSingle();
            exponents = (lanes & Vector256.Create(0x7c007c00)).AsUInt16();
        }
    }

    /// <summary>
    /// fp16 rebased as <see cref="Fp16"/>, for weights known to hold no infinity or NaN: without the exponent check (an
    /// AND and a maximum per 32 weights of 9 operations), fp16 decode from DRAM on one Zen 5 core read 3–6 % more per
    /// step of the Llama-shaped model and 15 % more in cache.
    /// </summary>
    private readonly struct FiniteFp16 : IWidening
    {
        public static int Bytes => 2;

        public static int Ahead => 1536;

        public static bool Rebased => true;

        public static bool Checks => false;

        // Fp16's widening; the exponents it keeps go unused and the JIT drops their AND.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen32(byte* row, int k, out Vector512<float> low, out Vector512<float> high, out Vector512<ushort> exponents)
        {
            Fp16.Widen32(row, k, out low, out high, out _);
            exponents = default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen16(byte* row, int k, out Vector256<float> low, out Vector256<float> high, out Vector256<ushort> exponents)
        {
            Fp16.Widen16(row, k, out low, out high, out _);
            exponents = default;
        }
    }

    /// <summary>Whether any of <paramref name="count"/> halves is an infinity or NaN (its exponent bits all ones).</summary>
    internal static bool HoldsInfinityOrNaN(ushort* halves, long count)
    {
        var top = Vector256.Create(Fp16.TopExponent);
        var found = Vector256<ushort>.Zero;
        long i = 0;
        for (; i + 16 <= count; i += 16)
        {
            found |= Vector256.Equals(Vector256.Load(halves + i) & top, top);
        }

        for (; i < count; i++)
        {
            if ((halves[i] & Fp16.TopExponent) == Fp16.TopExponent)
            {
                return true;
            }
        }

        return found != Vector256<ushort>.Zero;
    }

    private readonly struct Bf16 : IWidening
    {
        public static int Bytes => 2;

        public static int Ahead => 1536;

        public static bool Rebased => false;

        public static bool Checks => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen32(byte* row, int k, out Vector512<float> low, out Vector512<float> high, out Vector512<ushort> exponents)
        {
            var lanes = Vector512.Load((int*)((ushort*)row + k));
            low = Vector512.ShiftLeft(lanes, 16).AsSingle();
            high = (lanes & Vector512.Create(unchecked((int)0xffff0000))).AsSingle();
            exponents = default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Widen16(byte* row, int k, out Vector256<float> low, out Vector256<float> high, out Vector256<ushort> exponents)
        {
            var lanes = Vector256.Load((int*)((ushort*)row + k));
            low = Vector256.ShiftLeft(lanes, 16).AsSingle();
            high = (lanes & Vector256.Create(unchecked((int)0xffff0000))).AsSingle();
            exponents = default;
        }
    }
}
