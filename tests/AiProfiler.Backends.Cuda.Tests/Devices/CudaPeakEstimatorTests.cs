using AiProfiler.Backends.Cuda.Devices;

namespace AiProfiler.Backends.Cuda.Tests.Devices;

public sealed class CudaPeakEstimatorTests
{
    /// <summary>What the driver reports for an A100-SXM4-40GB (NVIDIA's datasheet: 19.5 TFLOPS fp32, 312 TFLOPS fp16/bf16 tensor, 1555 GB/s).</summary>
    internal static readonly CudaDeviceProperties A100 = new()
    {
        Ordinal = 0,
        Name = "NVIDIA A100-SXM4-40GB",
        TotalMemoryBytes = 42_505_273_344,
        ComputeCapabilityMajor = 8,
        ComputeCapabilityMinor = 0,
        MultiprocessorCount = 108,
        ClockRateKHz = 1_410_000,
        MemoryClockRateKHz = 1_215_000,
        MemoryBusWidthBits = 5120,
        MaxThreadsPerBlock = 1024,
    };

    [Fact]
    public void Estimate_A100_MatchesTheDatasheet()
    {
        var peaks = CudaPeakEstimator.Estimate(A100);

        Assert.Equal(19.5e12, peaks.Fp32FlopsPerSecond, 0.01 * 19.5e12);
        Assert.Equal(312e12, peaks.TensorFlopsPerSecond!.Value, 0.01 * 312e12);
        Assert.Equal(1555e9, peaks.BandwidthBytesPerSecond, 0.01 * 1555e9);
    }

    [Fact]
    public void Estimate_H100Sxm_MatchesTheDatasheetAtItsBoostClock()
    {
        // 132 SMs at 1980 MHz, HBM3 at 2619 MHz on 5120 bits: datasheet 67 TFLOPS fp32 and 3.35 TB/s.
        var peaks = CudaPeakEstimator.Estimate(A100 with { ComputeCapabilityMajor = 9, MultiprocessorCount = 132, ClockRateKHz = 1_980_000, MemoryClockRateKHz = 2_619_000 });

        Assert.Equal(67e12, peaks.Fp32FlopsPerSecond, 0.01 * 67e12);
        Assert.Equal(3.35e12, peaks.BandwidthBytesPerSecond, 0.01 * 3.35e12);
        Assert.Equal(132 * 1.98e9 * 4096, peaks.TensorFlopsPerSecond!.Value, 1e6);
    }

    [Fact]
    public void Estimate_Pascal_HasNoTensorCores() =>
        Assert.Null(CudaPeakEstimator.Estimate(A100 with { ComputeCapabilityMajor = 6, ComputeCapabilityMinor = 1 }).TensorFlopsPerSecond);

    [Fact]
    public void Estimate_Source_ExplainsEveryFactor() =>
        Assert.Equal(
            "sm_80: fp32 = 108 SMs × 1410 MHz × 2 × 64 FP32 lanes; fp16/bf16 = SMs × clock × 2048 dense tensor FLOP/clock; bandwidth = 2 × 1215 MHz × 5120 bit / 8",
            CudaPeakEstimator.Estimate(A100).Source);

    [Theory]
    // CUDA C++ Programming Guide, throughput of 32-bit floating-point add/multiply/multiply-add per clock per SM.
    [InlineData(3, 5, 192)]
    [InlineData(5, 2, 128)]
    [InlineData(6, 0, 64)]
    [InlineData(6, 1, 128)]
    [InlineData(7, 0, 64)]
    [InlineData(7, 5, 64)]
    [InlineData(8, 0, 64)]
    [InlineData(8, 6, 128)]
    [InlineData(8, 9, 128)]
    [InlineData(9, 0, 128)]
    public void Fp32LanesPerMultiprocessor_FollowsTheProgrammingGuide(int major, int minor, int lanes) =>
        Assert.Equal(lanes, CudaPeakEstimator.Fp32LanesPerMultiprocessor(major, minor));
}
