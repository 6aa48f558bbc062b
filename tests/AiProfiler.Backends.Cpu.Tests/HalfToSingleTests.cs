using System.Runtime.Intrinsics;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>
/// The fp16 widening every fp16 weight goes through (decode's paired kernels and prefill's tile decoder) on all 65,536
/// bit patterns: normals, subnormals, zeros, infinities and NaNs of both signs must come out as .NET's own conversion
/// gives them, with the half in the top of a lane whatever the low bits hold.
/// </summary>
public sealed unsafe class HalfToSingleTests
{
    [Fact]
    public void HalfToSingle_EveryBitPattern_EqualsTheRuntimeConversion()
    {
        for (var h = 0; h < 65536; h++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf((ushort)h);
            // Low bits all ones in the 512-bit case, zero in the 256-bit one: both must be ignored.
            var wide = WeightDecoder.HalfToSingle(Vector512.Create((h << 16) | 0xffff)).GetElement(7);
            var narrow = WeightDecoder.HalfToSingle(Vector256.Create(h << 16)).GetElement(3);
            AssertSame(expected, wide, h, "512-bit");
            AssertSame(expected, narrow, h, "256-bit");
        }
    }

    [Fact]
    public void Decode_Float16_EveryBitPattern_EqualsTheRuntimeConversion()
    {
        var bits = new ushort[65536 + 5];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)i;
        }

        var decoded = new float[bits.Length];
        fixed (ushort* source = bits)
        fixed (float* target = decoded)
        {
            WeightDecoder.Decode(DataType.Float16, (byte*)source, target, bits.Length);
        }

        for (var i = 0; i < bits.Length; i++)
        {
            AssertSame((float)BitConverter.UInt16BitsToHalf(bits[i]), decoded[i], bits[i], "decoder");
        }
    }

    private static void AssertSame(float expected, float actual, int h, string where)
    {
        if (float.IsNaN(expected))
        {
            Assert.True(float.IsNaN(actual), $"{where}: fp16 0x{h:x4} is NaN, got {actual}");
            return;
        }

        Assert.True(
            BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
            $"{where}: fp16 0x{h:x4} should widen to {expected:R} (0x{BitConverter.SingleToInt32Bits(expected):x8}), got {actual:R} (0x{BitConverter.SingleToInt32Bits(actual):x8})");
    }
}
