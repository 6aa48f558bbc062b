using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// fp16 and bf16 conversions written with integer operations, so every ILGPU backend compiles them the same way;
/// rounding is to nearest even, NaN stays NaN and overflow becomes infinity, as on the CPU backend.
/// </summary>
internal static class HalfBits
{
    /// <summary>Element types as numbered by <c>DataType</c>.</summary>
    public const int Float32 = 0;

    /// <summary>IEEE binary16.</summary>
    public const int Float16 = 1;

    /// <summary>fp32 to IEEE binary16 bits.</summary>
    public static ushort FromSingle(float value)
    {
        var x = Interop.FloatAsInt(value);
        var sign = (x >> 16) & 0x8000u;
        var magnitude = x & 0x7fffffffu;
        if (magnitude >= 0x7f800000u)
        {
            return (ushort)(sign | (magnitude > 0x7f800000u ? 0x7e00u : 0x7c00u));
        }

        // 65520 lies halfway between the largest half (65504, odd significand) and 65536: it and above overflow.
        if (magnitude >= 0x477ff000u)
        {
            return (ushort)(sign | 0x7c00u);
        }

        if (magnitude >= 0x38800000u)
        {
            // A normal half: rebias the exponent from 127 to 15 and round away the 13 low significand bits.
            var odd = (magnitude >> 13) & 1u;
            return (ushort)(sign | ((magnitude + 0xc8000fffu + odd) >> 13));
        }

        // Up to half the smallest subnormal (2^-25) rounds to zero; the tie goes to the even zero.
        if (magnitude <= 0x33000000u)
        {
            return (ushort)sign;
        }

        var shift = (int)(126u - (magnitude >> 23));
        var significand = (magnitude & 0x7fffffu) | 0x800000u;
        var quotient = significand >> shift;
        var remainder = significand & ((1u << shift) - 1u);
        var halfway = 1u << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (quotient & 1u) != 0u))
        {
            quotient++;
        }

        return (ushort)(sign | quotient);
    }

    /// <summary>IEEE binary16 bits to fp32, exactly.</summary>
    public static float ToSingle(ushort bits)
    {
        var sign = (uint)(bits & 0x8000) << 16;
        var exponent = (uint)(bits >> 10) & 0x1fu;
        var mantissa = (uint)bits & 0x3ffu;
        if (exponent == 0x1fu)
        {
            return Interop.IntAsFloat(sign | 0x7f800000u | (mantissa << 13));
        }

        if (exponent != 0u)
        {
            return Interop.IntAsFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
        }

        // Zero or subnormal: mantissa × 2^-24 is exact in fp32.
        var magnitude = mantissa * 5.9604644775390625e-8f;
        return sign != 0u ? -magnitude : magnitude;
    }

    /// <summary>fp32 to bfloat16 bits (the upper half of the fp32), NaN kept a quiet NaN.</summary>
    public static ushort BFloat16FromSingle(float value)
    {
        var x = Interop.FloatAsInt(value);
        if ((x & 0x7fffffffu) > 0x7f800000u)
        {
            return (ushort)((x >> 16) | 0x0040u);
        }

        return (ushort)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
    }

    /// <summary>bfloat16 bits to fp32, exactly.</summary>
    public static float BFloat16ToSingle(ushort bits) => Interop.IntAsFloat((uint)bits << 16);

    /// <summary>Element <paramref name="i"/> of a buffer of <paramref name="type"/>, as fp32.</summary>
    public static float Load(ArrayView<float> single, ArrayView<ushort> half, long i, int type) =>
        type == Float32 ? single[i] : type == Float16 ? ToSingle(half[i]) : BFloat16ToSingle(half[i]);

    /// <summary>Stores fp32 <paramref name="value"/> as element <paramref name="i"/> of a buffer of <paramref name="type"/>.</summary>
    public static void Store(ArrayView<float> single, ArrayView<ushort> half, long i, int type, float value)
    {
        if (type == Float32)
        {
            single[i] = value;
        }
        else
        {
            half[i] = type == Float16 ? FromSingle(value) : BFloat16FromSingle(value);
        }
    }
}
