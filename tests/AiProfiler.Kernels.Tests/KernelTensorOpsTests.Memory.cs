using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

// The operations that move data: axis swaps, copies, fills and type conversions, against the CPU and System.Half.
public sealed partial class KernelTensorOpsTests
{
    [Fact]
    public void SwapAxes_MatchesCpu()
    {
        const int total = 2 * 3 * 5 * 4;
        AssertMatchesCpu(s => s.Add("x", Approx.Random(46, total)).Zeros("y", total), (ops, s) => ops.SwapAxes(s["x"], s["y"], 2, 3, 5, 4), 0, "y");
    }

    [Fact]
    public void Copy_Fp32WithOffsets_MatchesCpu()
    {
        AssertMatchesCpu(
            s => s.Add("src", Approx.Random(47, 100)).Add("dst", Approx.Random(48, 80)),
            (ops, s) => ops.Copy(s["src"], 13, s["dst"], 7, 60),
            0,
            "dst");
    }

    [Fact]
    public void Copy_Fp16WithOffsets_CopiesTheBits()
    {
        var source = Enumerable.Range(0, 50).Select(i => (ushort)(i * 1000)).ToArray();
        using var set = new TensorSet(_fixture.OpenCl).Add("src", source, DataType.Float16).Zeros("dst", 40, DataType.Float16);

        Ops.Copy(set["src"], 10, set["dst"], 5, 30);

        var expected = new ushort[40];
        Array.Copy(source, 10, expected, 5, 30);
        Assert.Equal(expected, set.ReadBits("dst"));
    }

    [Theory]
    [InlineData(DataType.Float32)]
    [InlineData(DataType.Int32)]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.BFloat16)]
    public void Fill_Type_WritesTheSameBitsAsCpu(DataType type)
    {
        using var cpu = new TensorSet(_fixture.Cpu).Zeros("x", 20, type);
        using var device = new TensorSet(_fixture.OpenCl).Zeros("x", 20, type);

        _fixture.Cpu.Ops.Fill(cpu["x"], 7.9f, 3, 11);
        Ops.Fill(device["x"], 7.9f, 3, 11);

        if (type.SizeInBytes() == 2)
        {
            Assert.Equal(cpu.ReadBits("x"), device.ReadBits("x"));
        }
        else
        {
            Assert.Equal(cpu.ReadInts("x"), device.ReadInts("x"));
        }
    }

    [Fact]
    public void Convert_Fp32ToFp16_RoundsToNearestEvenLikeSystemHalf()
    {
        var values = HalfEdgeCases().Concat(Approx.Random(49, 2000, 70000f)).Concat(Approx.Random(50, 2000, 1e-4f)).ToArray();
        using var set = new TensorSet(_fixture.OpenCl).Add("x", values).Zeros("h", values.Length, DataType.Float16);

        Ops.Convert(set["x"], set["h"], values.Length);

        var actual = set.ReadBits("h");
        for (var i = 0; i < values.Length; i++)
        {
            var expected = BitConverter.HalfToUInt16Bits((Half)values[i]);
            if (float.IsNaN(values[i]))
            {
                Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(actual[i])), $"NaN became 0x{actual[i]:x4}");
                continue;
            }

            Assert.True(expected == actual[i], $"{values[i]:R}: expected 0x{expected:x4}, got 0x{actual[i]:x4}");
        }
    }

    [Fact]
    public void Convert_Fp16ToFp32_EveryBitPatternIsExact()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        using var set = new TensorSet(_fixture.OpenCl).Add("h", bits, DataType.Float16).Zeros("x", bits.Length);

        Ops.Convert(set["h"], set["x"], bits.Length);

        var actual = set.Read("x");
        for (var i = 0; i < bits.Length; i++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf(bits[i]);
            Assert.True(
                float.IsNaN(expected) ? float.IsNaN(actual[i]) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]),
                $"0x{bits[i]:x4}: expected {expected:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Convert_Fp32ToBf16_RoundsToTheNearestWithTiesToEven()
    {
        var values = HalfEdgeCases().Concat(Approx.Random(51, 3000, 1e6f)).Concat(
        [
            BitConverter.Int32BitsToSingle(0x3f808000), // tie, even below: stays 0x3f80
            BitConverter.Int32BitsToSingle(0x3f818000), // tie, odd below: rounds up to 0x3f82
            BitConverter.Int32BitsToSingle(0x3f808001), // just above the tie: rounds up
            BitConverter.Int32BitsToSingle(0x7f7fffff), // float max rounds to infinity
        ]).ToArray();
        using var set = new TensorSet(_fixture.OpenCl).Add("x", values).Zeros("b", values.Length, DataType.BFloat16).Zeros("back", values.Length);

        Ops.Convert(set["x"], set["b"], values.Length);
        Ops.Convert(set["b"], set["back"], values.Length);

        var actual = set.ReadBits("b");
        var back = set.Read("back");
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                Assert.True(float.IsNaN(back[i]));
                continue;
            }

            var expected = NearestBFloat16(values[i]);
            Assert.True(expected == actual[i], $"{values[i]:R}: expected 0x{expected:x4}, got 0x{actual[i]:x4}");
            Assert.Equal(BitConverter.Int32BitsToSingle(actual[i] << 16), back[i]);
        }
    }

    [Fact]
    public void Convert_Int32ToFp16_IsNotSupported()
    {
        using var set = new TensorSet(_fixture.OpenCl).Zeros("i", 4, DataType.Int32).Zeros("h", 4, DataType.Float16);

        var error = Assert.Throws<NotSupportedException>(() => Ops.Convert(set["i"], set["h"], 4));

        Assert.Equal("cannot convert i32 to fp16; convert between fp32 and fp16 or bf16", error.Message);
    }
}
