using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Gemm;

/// <summary>What the reference needs to know about a GEMM element type: how values round into it and how much.</summary>
internal static class GemmPrecision
{
    /// <summary>
    /// <paramref name="value"/> rounded to <paramref name="type"/> (round to nearest even, as the device's Convert does),
    /// so the reference multiplies exactly the inputs the device holds.
    /// </summary>
    public static float Round(float value, DataType type) => type switch
    {
        DataType.Float16 => (float)(Half)value,
        DataType.BFloat16 => RoundToBFloat16(value),
        _ => value,
    };

    /// <summary>The relative error of storing a result in <paramref name="type"/>: 2⁻¹¹ for fp16, 2⁻⁸ for bf16, 0 for fp32 (accumulation is fp32 throughout).</summary>
    public static double UnitRoundoff(DataType type) => type switch
    {
        DataType.Float16 => 1.0 / 2048,
        DataType.BFloat16 => 1.0 / 256,
        _ => 0,
    };

    private static float RoundToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
    }
}
