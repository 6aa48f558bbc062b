using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Abstractions.Tests.Devices;

/// <summary>ggml's block layouts decoded from hand-built blocks with edge values, and the quantizers' error bounds.</summary>
public sealed class QuantizedBlocksTests
{
    [Fact]
    public void Dequantize_Q8_0_ExtremeInt8ValuesTimesTheFp16Scale()
    {
        var block = new byte[34];
        BitConverter.TryWriteBytes(block, BitConverter.HalfToUInt16Bits((Half)0.5f));
        block[2] = 0x80;
        block[3] = 0x7F;
        block[4] = 0xFF;

        var y = Decode(DataType.Q8_0, block, 32);

        Assert.Equal([-64f, 63.5f, -0.5f, 0f], y[..4]);
    }

    [Fact]
    public void Dequantize_Q4_0_LowNibblesFirstHalfHighNibblesSecondHalf()
    {
        var block = new byte[18];
        BitConverter.TryWriteBytes(block, BitConverter.HalfToUInt16Bits((Half)(-2f)));
        block[2] = 0x0F;
        block[3] = 0xF0;

        var y = Decode(DataType.Q4_0, block, 32);

        Assert.Equal(-14f, y[0]);
        Assert.Equal(16f, y[16]);
        Assert.Equal(16f, y[1]);
        Assert.Equal(-14f, y[17]);
    }

    [Fact]
    public void Dequantize_Q4_K_SixBitScalesAndMinsIncludingTheTopBits()
    {
        var block = new byte[144];
        BitConverter.TryWriteBytes(block, BitConverter.HalfToUInt16Bits((Half)1f));
        BitConverter.TryWriteBytes(block.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)0.5f));
        block.AsSpan(4, 12).Fill(0xFF);
        block.AsSpan(16, 128).Fill(0xF0);

        var y = Decode(DataType.Q4_K, block, 256);

        // Every scale and min is 63 (sub-blocks 4-7 take their top two bits from bytes 0-7); even sub-blocks hold q=0.
        Assert.All(y.Where((_, i) => i / 32 % 2 == 0), v => Assert.Equal(-31.5f, v));
        Assert.All(y.Where((_, i) => i / 32 % 2 == 1), v => Assert.Equal((63f * 15f) - 31.5f, v));
    }

    [Fact]
    public void Dequantize_Q4_K_PackedScalesOfTheUpperSubBlocksComeFromTheNibbles()
    {
        var block = new byte[144];
        BitConverter.TryWriteBytes(block, BitConverter.HalfToUInt16Bits((Half)1f));
        BitConverter.TryWriteBytes(block.AsSpan(2), BitConverter.HalfToUInt16Bits((Half)1f));
        byte[] scales = [1, 2, 3, 4, 5, 6, 7, 8, 0x21, 0x43, 0x65, 0x87];
        scales.CopyTo(block, 4);
        block.AsSpan(16, 128).Fill(0x11);

        var y = Decode(DataType.Q4_K, block, 256);

        // Sub-block j = (scale, min): 0..3 -> (j+1, j+5); 4 -> (1, 2), 5 -> (3, 4), 6 -> (5, 6), 7 -> (7, 8); q = 1.
        float[] expected = [1 - 5, 2 - 6, 3 - 7, 4 - 8, 1 - 2, 3 - 4, 5 - 6, 7 - 8];
        for (var j = 0; j < 8; j++)
        {
            Assert.All(y.AsSpan(32 * j, 32).ToArray(), v => Assert.Equal(expected[j], v));
        }
    }

    [Fact]
    public void Dequantize_Q6_K_SignedScalesAndTheFullSixBitRange()
    {
        var block = new byte[210];
        block.AsSpan(0, 128).Fill(0xFF);
        block.AsSpan(128, 64).Fill(0xFF);
        for (var i = 0; i < 16; i++)
        {
            block[192 + i] = (byte)(sbyte)(i % 2 == 0 ? -128 : 127);
        }

        BitConverter.TryWriteBytes(block.AsSpan(208), BitConverter.HalfToUInt16Bits((Half)1f));

        var y = Decode(DataType.Q6_K, block, 256);

        // q = 63 - 32 = 31 everywhere; value j uses scale 8·(j/128) + (j%32)/16 + 2·((j%128)/32), which is even for j%32 < 16.
        for (var j = 0; j < 256; j++)
        {
            Assert.Equal(31f * (j % 32 < 16 ? -128 : 127), y[j]);
        }
    }

    [Theory]
    [InlineData(DataType.Q8_0, 1.0 / 254)]
    [InlineData(DataType.Q4_0, 1.0 / 16)]
    [InlineData(DataType.Q4_K, 1.0 / 15)]
    [InlineData(DataType.Q6_K, 1.0 / 32)]
    public void Quantize_ThenDequantize_StaysWithinHalfAStepOfEachBlocksRange(DataType type, double relativeStep)
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 1024).Select(i => (float)((random.NextDouble() - 0.5) * (i % 256 == 0 ? 100 : 1))).ToArray();
        values[5] = 0f;

        var y = Decode(type, QuantizedBlocks.Quantize(type, values), values.Length);

        var block = type.BlockValues();
        for (var b = 0; b < values.Length / block; b++)
        {
            var range = values.Skip(b * block).Take(block).Max(Math.Abs) * 2;
            for (var i = b * block; i < (b + 1) * block; i++)
            {
                Assert.True(Math.Abs(y[i] - values[i]) <= range * relativeStep, $"{type.ShortName()} value {i}: {y[i]} vs {values[i]}");
            }
        }
    }

    [Theory]
    [InlineData(65504f)]
    [InlineData(6e-8f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-0f)]
    public void Quantize_Float16_RoundsAsHalfDoes(float value)
    {
        var y = Decode(DataType.Float16, QuantizedBlocks.Quantize(DataType.Float16, [value]), 1);

        Assert.Equal((float)(Half)value, y[0]);
    }

    [Fact]
    public void Quantize_BFloat16_RoundsToNearestEvenAndKeepsNaN()
    {
        var y = Decode(DataType.BFloat16, QuantizedBlocks.Quantize(DataType.BFloat16, [1.00390625f, 1.01171875f, float.NaN]), 3);

        Assert.Equal([1f, 1.015625f], y[..2]);
        Assert.True(float.IsNaN(y[2]));
    }

    [Fact]
    public void StorageLength_PartialBlock_IsRefusedNamingTheBlockSize()
    {
        var error = Assert.Throws<ArgumentException>(() => DataType.Q4_K.StorageLength(300));

        Assert.StartsWith("300 values are not a whole number of q4_k blocks of 256", error.Message, StringComparison.Ordinal);
    }

    private static float[] Decode(DataType type, byte[] bytes, int count)
    {
        var y = new float[count];
        QuantizedBlocks.Dequantize(type, bytes, y);
        return y;
    }
}
