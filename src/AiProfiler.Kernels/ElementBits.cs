using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels;

/// <summary>Host-side encodings of one value as the bits a buffer of each type stores (for the fill kernels).</summary>
internal static class ElementBits
{
    /// <summary>The bit pattern of <paramref name="value"/> as one element of <paramref name="type"/>; Int32 truncates.</summary>
    public static int Encode(float value, DataType type) => type switch
    {
        DataType.Float32 => BitConverter.SingleToInt32Bits(value),
        DataType.Float16 => BitConverter.HalfToInt16Bits((Half)value) & 0xffff,
        DataType.BFloat16 => ToBFloat16Bits(value),
        DataType.Int32 => (int)value,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    /// <summary>bfloat16 bits of <paramref name="value"/>, rounded to nearest even, NaN kept quiet (as the kernels do).</summary>
    public static int ToBFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffffu) > 0x7f800000u)
        {
            return (int)((bits >> 16) | 0x0040u);
        }

        return (int)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
    }
}
