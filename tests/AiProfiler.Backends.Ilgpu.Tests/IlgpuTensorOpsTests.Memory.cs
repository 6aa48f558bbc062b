using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Testing;
using static AiProfiler.Backends.Ilgpu.Tests.HostData;

namespace AiProfiler.Backends.Ilgpu.Tests;

// The operations that move data on ILGPU: axis swaps, copies, fills and fp16/bf16 conversions, against the CPU.
public sealed partial class IlgpuTensorOpsTests
{
    [Fact]
    public void SwapAxesCopyAndFill_MatchCpu()
    {
        var x = Random(2 * 3 * 4 * 5, 32);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var y = d.Allocate(x.Length);
            d.Ops.SwapAxes(xb, y, 2, 3, 4, 5);
            d.Ops.Copy(xb, 7, y, 50, 30);
            d.Ops.Fill(y, -2.5f, 3, 11);
            return Download(d, y);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.BFloat16)]
    public void ConvertRoundTripAndHalfFillAndCopy_MatchCpu(DataType type)
    {
        float[] special = [0f, -0f, 1f / 3, 65504f, 65520f, 1e-8f, 3e-5f, -6.1e-5f, float.PositiveInfinity, float.NaN, 1e30f, -2.75f];
        var x = special.Concat(Random(100, 33, 100f)).ToArray();
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var half = d.Allocate(x.Length, type);
            d.Ops.Convert(xb, half, x.Length);
            d.Ops.Fill(half, 1.5f, 20, 5);
            using var other = d.Allocate(x.Length, type);
            d.Ops.Copy(half, 0, other, 0, x.Length);
            using var back = d.Allocate(x.Length);
            d.Ops.Convert(other, back, x.Length);
            return Download(d, back);
        });

        Assert.Equal(expected, actual);
    }
}
