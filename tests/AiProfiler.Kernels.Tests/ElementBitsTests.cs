using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

public sealed class ElementBitsTests
{
    [Theory]
    [InlineData(1.5f, DataType.Float32, 0x3fc00000)]
    [InlineData(-2f, DataType.Float16, 0xc000)]
    [InlineData(65520f, DataType.Float16, 0x7c00)]
    [InlineData(1f, DataType.BFloat16, 0x3f80)]
    [InlineData(7.9f, DataType.Int32, 7)]
    [InlineData(-7.9f, DataType.Int32, -7)]
    public void Encode_ValueAndType_GivesTheStoredBits(float value, DataType type, int expected)
    {
        Assert.Equal(expected, ElementBits.Encode(value, type));
    }

    [Theory]
    [InlineData(0x3f808000u, 0x3f80)]
    [InlineData(0x3f818000u, 0x3f82)]
    [InlineData(0x3f808001u, 0x3f81)]
    [InlineData(0x7f7fffffu, 0x7f80)]
    [InlineData(0xffc00001u, 0xffc0)]
    [InlineData(0x7f800001u, 0x7fc0)]
    public void ToBFloat16Bits_RoundsToNearestEvenAndKeepsNaNQuiet(uint bits, int expected)
    {
        Assert.Equal(expected, ElementBits.ToBFloat16Bits(BitConverter.UInt32BitsToSingle(bits)));
    }
}
