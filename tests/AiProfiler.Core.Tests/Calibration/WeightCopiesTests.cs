using AiProfiler.Backends.Cpu;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Tests.Calibration;

/// <summary>
/// The prefill probes take turns over copies of their weight so that each pass reads it from memory, as a model's
/// prefill does: one weight used pass after pass stayed in the cache, and the GEMM rate left out the packing of
/// weights from DRAM (GPT-2 medium's TTFT came out 20–29 % short on the 2-core VM).
/// </summary>
public sealed class WeightCopiesTests
{
    [Theory]
    [InlineData(16L << 20, 8)]
    [InlineData(12L << 20, 11)]
    [InlineData(2_359_296L, 57)]
    [InlineData(200L << 20, 1)]
    public void WeightCopies_TogetherAtLeastTheDecodeProbesBytes(long bytes, int expected)
    {
        using var cpu = new CpuDeviceProvider("simd").Open(0);
        Assert.True(cpu.AvailableMemoryBytes / 16 >= expected * bytes, "the test machine has room for the copies");

        var copies = DecodeCostCalibrator.WeightCopies(cpu, bytes);

        Assert.Equal(expected, copies);
        Assert.True(copies * bytes >= Math.Min(DecodeCostCalibrator.GemvBytes, bytes), $"{copies} copies of {bytes} bytes");
    }

    [Fact]
    public void WeightCopies_SmallWeight_CappedSoTheProbeDoesNotAllocateThousandsOfBuffers()
    {
        using var cpu = new CpuDeviceProvider("simd").Open(0);

        Assert.Equal(DecodeCostCalibrator.MaxWeightCopies, DecodeCostCalibrator.WeightCopies(cpu, 4096));
    }

    /// <summary>
    /// The decode probes stream sets of at least <see cref="DecodeCostCalibrator.StreamBytes"/> (a set of 128 MiB read
    /// again and again streamed 15–20 % faster than the whole model on the 2-core VM): Llama-3.2-1B's block in q8_0
    /// (64.6 MB) comes in nine copies, GPT-2 medium's fp32 block (48 MiB) in eleven, the 128 MiB fp32 weight in four.
    /// </summary>
    [Theory]
    [InlineData(64_618_496L, 9)]
    [InlineData(48L << 20, 11)]
    [InlineData(128L << 20, 4)]
    public void WeightCopies_DecodeProbeSets_AtLeastTheStreamBytes(long bytes, int expected)
    {
        using var cpu = new CpuDeviceProvider("simd").Open(0);
        Assert.True(cpu.AvailableMemoryBytes / 16 >= expected * bytes, "the test machine has room for the copies");

        var copies = DecodeCostCalibrator.WeightCopies(cpu, bytes, DecodeCostCalibrator.StreamBytes);

        Assert.Equal(expected, copies);
        Assert.True(copies * bytes >= DecodeCostCalibrator.StreamBytes, $"{copies} copies of {bytes} bytes");
        Assert.True((copies - 1) * bytes < DecodeCostCalibrator.StreamBytes, "no more copies than the set needs");
    }

    [Fact]
    public void WeightCopies_NarrowLinearBlockInQ8_0_IsLlama1BsBlock()
    {
        Assert.Equal(64_618_496L, DecodeCostCalibrator.NarrowLinearBlockBytes(AiProfiler.Abstractions.Devices.DataType.Q8_0));
    }

    /// <summary>The decode probes' set follows the bandwidth test's arrays: 512 MiB by default, 128 MiB at the tests' 4 MiB.</summary>
    [Theory]
    [InlineData(64, 512L << 20)]
    [InlineData(4, 128L << 20)]
    [InlineData(1024, 512L << 20)]
    public void StreamSet_EightBandwidthArrays_Between128And512MiB(int bandwidthMiB, long expected)
    {
        var settings = new CalibrationSettings(0.2, 7, (long)bandwidthMiB << 20 >> 2);

        Assert.Equal(expected, DecodeCostCalibrator.StreamSet(settings));
    }
}
