using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Decodes runs of a weight row (fp16, bf16 or ggml blocks) to fp32 in L1-sized pieces, for the dot products and
/// GEMM tiles of <see cref="WeightLinear"/>. The nibble and bit unpacking is done on 16 bytes at a time with
/// <see cref="Vector128"/> byte operations; the widening to 16 floats uses AVX-512 (one <c>vpmovzxbd</c>), AVX2 (two),
/// or, on other CPUs, plain loops. The results equal <see cref="QuantizedBlocks.Dequantize"/> exactly: each value is
/// one product (and at most one add) of the same fp32 operands.
/// </summary>
internal static unsafe class WeightDecoder
{
    /// <summary>Decodes <paramref name="count"/> values (whole blocks) starting at <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Decode(DataType type, byte* source, float* destination, int count)
    {
        switch (type)
        {
            case DataType.Float32:
                new ReadOnlySpan<float>(source, count).CopyTo(new Span<float>(destination, count));
                break;
            case DataType.Float16:
                Float16(source, destination, count);
                break;
            case DataType.BFloat16:
                BFloat16(source, destination, count);
                break;
            case DataType.Q8_0:
                for (var b = 0; b < count / 32; b++, source += 34, destination += 32)
                {
                    var d = Half(source);
                    // Signed bytes as unsigned ones offset by 128, so one widening path serves every format.
                    var flip = Vector128.Create((byte)0x80);
                    Widen(Vector128.Load(source + 2) ^ flip, -128, d, 0, destination);
                    Widen(Vector128.Load(source + 18) ^ flip, -128, d, 0, destination + 16);
                }

                break;
            case DataType.Q4_0:
                for (var b = 0; b < count / 32; b++, source += 18, destination += 32)
                {
                    var d = Half(source);
                    var q = Vector128.Load(source + 2);
                    Widen(q & Vector128.Create((byte)0x0F), -8, d, 0, destination);
                    Widen(Vector128.ShiftRightLogical(q, 4), -8, d, 0, destination + 16);
                }

                break;
            case DataType.Q4_K:
                for (var b = 0; b < count / 256; b++, source += 144, destination += 256)
                {
                    Q4K(source, destination);
                }

                break;
            case DataType.Q6_K:
                for (var b = 0; b < count / 256; b++, source += 210, destination += 256)
                {
                    Q6K(source, destination);
                }

                break;
            default:
                throw new NotSupportedException($"{type.ShortName()} is not a weight type");
        }
    }

    private static void Q4K(byte* block, float* y)
    {
        var d = Half(block);
        var dmin = Half(block + 2);
        var scales = new ReadOnlySpan<byte>(block + 4, 12);
        var q = block + 16;
        var low = Vector128.Create((byte)0x0F);
        for (var j = 0; j < 4; j++, q += 32, y += 64)
        {
            var (sc1, m1) = QuantizedBlocks.Q4KScaleMin(2 * j, scales);
            var (sc2, m2) = QuantizedBlocks.Q4KScaleMin((2 * j) + 1, scales);
            float d1 = d * sc1, d2 = d * sc2;
            float min1 = -(dmin * m1), min2 = -(dmin * m2);
            var a = Vector128.Load(q);
            var b = Vector128.Load(q + 16);
            Widen(a & low, 0, d1, min1, y);
            Widen(b & low, 0, d1, min1, y + 16);
            Widen(Vector128.ShiftRightLogical(a, 4), 0, d2, min2, y + 32);
            Widen(Vector128.ShiftRightLogical(b, 4), 0, d2, min2, y + 48);
        }
    }

    private static void Q6K(byte* block, float* y)
    {
        var d = Half(block + 208);
        var low = Vector128.Create((byte)0x0F);
        var three = Vector128.Create((byte)3);
        for (var half = 0; half < 2; half++, y += 128)
        {
            var ql = block + (64 * half);
            var qh = block + 128 + (32 * half);
            var sc = (sbyte*)(block + 192 + (8 * half));
            for (var c = 0; c < 2; c++)
            {
                var l = 16 * c;
                var a = Vector128.Load(ql + l);
                var b = Vector128.Load(ql + l + 32);
                var h = Vector128.Load(qh + l);
                var q1 = (a & low) | Vector128.ShiftLeft(h & three, 4);
                var q2 = (b & low) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(h, 2) & three, 4);
                var q3 = Vector128.ShiftRightLogical(a, 4) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(h, 4) & three, 4);
                var q4 = Vector128.ShiftRightLogical(b, 4) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(h, 6), 4);
                Widen(q1, -32, d * sc[c], 0, y + l);
                Widen(q2, -32, d * sc[c + 2], 0, y + l + 32);
                Widen(q3, -32, d * sc[c + 4], 0, y + l + 64);
                Widen(q4, -32, d * sc[c + 6], 0, y + l + 96);
            }
        }
    }

    /// <summary>destination[i] = (q[i] + bias)·scale + offset for the 16 bytes of q (the add only when offset ≠ 0, as the reference does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(Vector128<byte> q, int bias, float scale, float offset, float* destination)
    {
        if (Avx512F.IsSupported)
        {
            var values = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(q) + Vector512.Create(bias));
            var scaled = values * Vector512.Create(scale);
            (offset == 0 ? scaled : scaled + Vector512.Create(offset)).Store(destination);
            return;
        }

        if (Avx2.IsSupported)
        {
            var upper = Sse2.UnpackHigh(q.AsUInt64(), q.AsUInt64()).AsByte();
            var lo = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q) + Vector256.Create(bias)) * Vector256.Create(scale);
            var hi = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(upper) + Vector256.Create(bias)) * Vector256.Create(scale);
            if (offset != 0)
            {
                lo += Vector256.Create(offset);
                hi += Vector256.Create(offset);
            }

            lo.Store(destination);
            hi.Store(destination + 8);
            return;
        }

        for (var i = 0; i < 16; i++)
        {
            var value = (q.GetElement(i) + bias) * scale;
            destination[i] = offset == 0 ? value : value + offset;
        }
    }

    private static void Float16(byte* source, float* destination, int count)
    {
        var bits = (ushort*)source;
        var i = 0;
        if (Avx512F.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                var h = Avx512F.ConvertToVector512Int32(Vector256.Load(bits + i));
                HalfToSingle(Vector512.ShiftLeft(h, 16)).Store(destination + i);
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; i + 8 <= count; i += 8)
            {
                var h = Avx2.ConvertToVector256Int32(bits + i);
                HalfToSingle(Vector256.ShiftLeft(h, 16)).Store(destination + i);
            }
        }

        for (; i < count; i++)
        {
            destination[i] = (float)BitConverter.UInt16BitsToHalf(bits[i]);
        }
    }

    /// <summary>
    /// fp16 bits held in the top 16 bits of each 32-bit lane (the bits below are ignored) to fp32, exactly: an
    /// arithmetic shift by 3 puts the exponent and mantissa in fp32 position and keeps the sign, the mask clears what
    /// the shift smeared, and a multiply by 2^112 (0x77800000 as fp32) rebases the exponent, which handles normals,
    /// subnormals and zero at once; infinities and NaNs then get the all-ones exponent. The rebasing is an FMA with −0
    /// added (exactly the product, −0 kept), not a multiply: a subnormal half is an fp32 denormal at that point, and on
    /// AMD Zen 5 a multiply with a denormal operand takes a slow path (a decode loop over halves of which 1.4 % were
    /// subnormal, as in weights of σ ≈ 0.004, ran at 7 G halves/s against 16 with none; the FMA form runs at 20–21 for
    /// any share of subnormals), while the FMA takes denormal operands at full speed. Five operations per vector
    /// (checked on all 65,536 values by the tests), against eleven for zero-extended halves; taking the halves from
    /// the top of a lane lets the fp16 decode kernels widen two halves per 32-bit lane with one more shift.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> HalfToSingle(Vector512<int> top)
    {
        var bits = Vector512.ShiftRightArithmetic(top, 3) & Vector512.Create(unchecked((int)0x8fffe000));
        var scaled = Vector512.FusedMultiplyAdd(bits.AsSingle(), Vector512.Create(0x77800000u).AsSingle(), Vector512.Create(-0f));
        var special = Vector512.Equals(top & Vector512.Create(0x7c000000), Vector512.Create(0x7c000000));
        return (scaled.AsInt32() | (special & Vector512.Create(0x7f800000))).AsSingle();
    }

    /// <inheritdoc cref="HalfToSingle(Vector512{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> HalfToSingle(Vector256<int> top)
    {
        var bits = Vector256.ShiftRightArithmetic(top, 3) & Vector256.Create(unchecked((int)0x8fffe000));
        var scaled = Vector256.FusedMultiplyAdd(bits.AsSingle(), Vector256.Create(0x77800000u).AsSingle(), Vector256.Create(-0f));
        var special = Vector256.Equals(top & Vector256.Create(0x7c000000), Vector256.Create(0x7c000000));
        return (scaled.AsInt32() | (special & Vector256.Create(0x7f800000))).AsSingle();
    }

    private static void BFloat16(byte* source, float* destination, int count)
    {
        var bits = (ushort*)source;
        var i = 0;
        if (Avx512F.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                Vector512.ShiftLeft(Avx512F.ConvertToVector512UInt32(Vector256.Load(bits + i)), 16).AsSingle().Store(destination + i);
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector256.ShiftLeft(Avx2.ConvertToVector256Int32(bits + i), 16).AsSingle().Store(destination + i);
            }
        }

        for (; i < count; i++)
        {
            destination[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
        }
    }

    private static float Half(byte* p) => (float)BitConverter.UInt16BitsToHalf(*(ushort*)p);
}
