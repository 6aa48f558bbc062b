using System.Buffers.Binary;

namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Writes and reads weights in the layouts of <see cref="DataType"/>: fp16 and bf16 (little-endian, round to nearest
/// even), and ggml's Q8_0, Q4_0, Q4_K and Q6_K blocks. Quantization follows ggml's reference quantizers (the ones
/// <c>llama-quantize</c> uses without an importance matrix), so seeded weights quantized here can be compared with a
/// GGUF file of the same values. Dequantization is the reference every backend's kernels are checked against.
/// Rows of a weight matrix are quantized independently: a row of K values is K / <see cref="DataTypeExtensions.BlockValues"/>
/// blocks.
/// </summary>
public static partial class QuantizedBlocks
{
    // ggml's GROUP_MAX_EPS: a group whose largest magnitude is below this is all zeros.
    private const float GroupMaxEpsilon = 1e-15f;

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> into <paramref name="destination"/> (<see cref="DataTypeExtensions.StorageBytes"/> bytes).</summary>
    public static void Quantize(DataType type, ReadOnlySpan<float> values, Span<byte> destination)
    {
        var bytes = type.StorageBytes(values.Length);
        if (destination.Length < bytes)
        {
            throw new ArgumentException($"{values.Length} {type.ShortName()} values need {bytes} bytes, the destination has {destination.Length}", nameof(destination));
        }

        var block = type.BlockValues();
        var blockBytes = type.BlockBytes();
        for (var b = 0; b < values.Length / block; b++)
        {
            var x = values.Slice(b * block, block);
            var y = destination.Slice(b * blockBytes, blockBytes);
            switch (type)
            {
                case DataType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(y, x[0]);
                    break;
                case DataType.Float16:
                    BinaryPrimitives.WriteHalfLittleEndian(y, (Half)x[0]);
                    break;
                case DataType.BFloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(y, BFloat16Bits(x[0]));
                    break;
                case DataType.Q8_0:
                    QuantizeQ8_0(x, y);
                    break;
                case DataType.Q4_0:
                    QuantizeQ4_0(x, y);
                    break;
                case DataType.Q4_K:
                    QuantizeQ4_K(x, y);
                    break;
                case DataType.Q6_K:
                    QuantizeQ6_K(x, y);
                    break;
                default:
                    throw new NotSupportedException($"{type.ShortName()} is not a weight type; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
            }
        }
    }

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> into a new array.</summary>
    public static byte[] Quantize(DataType type, ReadOnlySpan<float> values)
    {
        var bytes = new byte[type.StorageBytes(values.Length)];
        Quantize(type, values, bytes);
        return bytes;
    }

    /// <summary>Decodes <paramref name="destination"/>.Length values of <paramref name="type"/> from <paramref name="source"/>.</summary>
    public static void Dequantize(DataType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var bytes = type.StorageBytes(destination.Length);
        if (source.Length < bytes)
        {
            throw new ArgumentException($"{destination.Length} {type.ShortName()} values need {bytes} bytes, the source has {source.Length}", nameof(source));
        }

        var block = type.BlockValues();
        var blockBytes = type.BlockBytes();
        for (var b = 0; b < destination.Length / block; b++)
        {
            var x = source.Slice(b * blockBytes, blockBytes);
            var y = destination.Slice(b * block, block);
            switch (type)
            {
                case DataType.Float32:
                    y[0] = BinaryPrimitives.ReadSingleLittleEndian(x);
                    break;
                case DataType.Float16:
                    y[0] = (float)BinaryPrimitives.ReadHalfLittleEndian(x);
                    break;
                case DataType.BFloat16:
                    y[0] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(x) << 16);
                    break;
                case DataType.Q8_0:
                    DequantizeQ8_0(x, y);
                    break;
                case DataType.Q4_0:
                    DequantizeQ4_0(x, y);
                    break;
                case DataType.Q4_K:
                    DequantizeQ4_K(x, y);
                    break;
                case DataType.Q6_K:
                    DequantizeQ6_K(x, y);
                    break;
                default:
                    throw new NotSupportedException($"{type.ShortName()} is not a weight type; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
            }
        }
    }

    /// <summary>fp32 to bfloat16 bits, rounding to nearest even; NaN stays a quiet NaN.</summary>
    public static ushort BFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffffu) > 0x7f800000u)
        {
            return (ushort)((bits >> 16) | 0x40u);
        }

        return (ushort)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>
    /// The 6-bit scale and min of sub-block <paramref name="j"/> (0..7) of a Q4_K super-block's 12 packed bytes:
    /// sub-blocks 0-3 keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4-7 in the nibbles of byte j+4,
    /// with their top 2 bits in the top bits of bytes j−4 and j.
    /// </summary>
    public static (int Scale, int Min) Q4KScaleMin(int j, ReadOnlySpan<byte> scales)
    {
        if (j < 4)
        {
            return (scales[j] & 63, scales[j + 4] & 63);
        }

        return ((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4), (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
    }

    private static float Fp16(ReadOnlySpan<byte> bytes) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes);

    // Rounds through fp16 as the stored scale does, so requantization uses the value the reader will see.
    private static float WriteFp16(Span<byte> bytes, float value)
    {
        var half = (Half)value;
        BinaryPrimitives.WriteHalfLittleEndian(bytes, half);
        return (float)half;
    }

    // ggml's nearest_int: round half to even.
    private static int NearestInt(float value) => (int)MathF.Round(value, MidpointRounding.ToEven);

    private static void QuantizeQ8_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        var amax = 0f;
        foreach (var v in x)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }

        var d = amax / 127;
        var id = d != 0 ? 1f / d : 0f;
        WriteFp16(y, d);
        for (var j = 0; j < 32; j++)
        {
            y[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    private static void DequantizeQ8_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Fp16(x);
        for (var j = 0; j < 32; j++)
        {
            y[j] = (sbyte)x[2 + j] * d;
        }
    }

    private static void QuantizeQ4_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        // The value of largest magnitude, with its sign, maps to −8 exactly.
        float amax = 0f, max = 0f;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        var d = max / -8;
        var id = d != 0 ? 1f / d : 0f;
        WriteFp16(y, d);
        for (var j = 0; j < 16; j++)
        {
            var lo = Math.Min(15, (int)(sbyte)(int)((x[j] * id) + 8.5f));
            var hi = Math.Min(15, (int)(sbyte)(int)((x[j + 16] * id) + 8.5f));
            y[2 + j] = (byte)(lo | (hi << 4));
        }
    }

    private static void DequantizeQ4_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Fp16(x);
        for (var j = 0; j < 16; j++)
        {
            y[j] = ((x[2 + j] & 0xF) - 8) * d;
            y[j + 16] = ((x[2 + j] >> 4) - 8) * d;
        }
    }
}
