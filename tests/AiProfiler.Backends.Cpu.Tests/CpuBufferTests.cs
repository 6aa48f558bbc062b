using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuBufferTests
{
    [Fact]
    public void Allocate_LargerThanAHugePage_IsZeroFilledAndHoldsDataToItsLastElement()
    {
        using var device = (CpuDevice)new CpuDeviceProvider("simd").Open(0);
        var length = (3 << 20) + 5;
        using var buffer = (CpuBuffer)device.Allocate(length);

        var data = buffer.AsFloat();
        Assert.Equal(-1, data.IndexOfAnyExcept(0f));
        device.Write<float>(buffer, [7f, 8f], length - 2);
        var tail = new float[2];
        device.Read<float>(buffer, tail, length - 2);
        Assert.Equal([7f, 8f], tail);
        unsafe
        {
            // Huge-page aligned, so the advice to back it with 2 MiB pages covers all of it.
            Assert.Equal(0L, (long)buffer.Pointer % (2 << 20));
        }
    }

    /// <summary>
    /// fp16 weights are scanned for infinities and NaNs once and the finding is remembered, so decode can skip the
    /// per-step check; every way of writing the buffer afterwards (the device's write, a copy, a fill, a conversion,
    /// its pointer) must make the next decode see a newly written infinity: that row comes out infinite, the others
    /// stay finite.
    /// </summary>
    [Theory]
    [InlineData("write")]
    [InlineData("copy")]
    [InlineData("fill")]
    [InlineData("convert")]
    [InlineData("pointer")]
    public unsafe void LinearWeights_Fp16InfinityWrittenAfterAFiniteDecode_ComesOutInTheNextDecode(string how)
    {
        const int outputs = 12, inputs = 64, row = 5;
        using var device = (CpuDevice)new CpuDeviceProvider("simd").Open(0);
        var values = Reference.Random(outputs * inputs, 4);
        using var w = (CpuBuffer)device.Allocate(outputs * inputs, DataType.Float16);
        device.Write<ushort>(w, [.. values.Select(v => BitConverter.HalfToUInt16Bits((Half)v))]);
        using var x = device.Allocate(inputs);
        using var y = device.Allocate(outputs);
        device.Write<float>(x, Enumerable.Repeat(1f, inputs).ToArray());
        var result = new float[outputs];

        device.Ops.LinearWeights(x, w, y, 1, outputs, inputs, 0f);
        device.Read<float>(y, result);
        Assert.All(result, v => Assert.True(float.IsFinite(v)));
        Assert.True(w.HoldsOnlyFiniteHalves());

        var at = (row * inputs) + 2;
        switch (how)
        {
            case "write":
                device.Write<ushort>(w, [0x7C00], at);
                break;
            case "copy":
                using (var source = device.Allocate(1, DataType.Float16))
                {
                    device.Write<ushort>(source, [0x7C00]);
                    device.Ops.Copy(source, 0, w, at, 1);
                }

                break;
            case "fill":
                device.Ops.Fill(w, float.PositiveInfinity, at, 1);
                break;
            case "convert":
                using (var source = device.Allocate(outputs * inputs))
                {
                    values[at] = float.PositiveInfinity;
                    device.Write<float>(source, values);
                    device.Ops.Convert(source, w, outputs * inputs);
                }

                break;
            default:
                ((ushort*)w.Pointer)[at] = 0x7C00;
                break;
        }

        device.Ops.LinearWeights(x, w, y, 1, outputs, inputs, 0f);
        device.Read<float>(y, result);
        Assert.True(float.IsPositiveInfinity(result[row]), $"after a {how}, row {row} holds +inf and must come out +inf, got {result[row]}");
        Assert.All(result.Where((_, n) => n != row), v => Assert.True(float.IsFinite(v)));
        Assert.False(w.HoldsOnlyFiniteHalves());
    }
}
