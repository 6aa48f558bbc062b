namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>The peaks <c>aiprofiler devices</c> shows for ILGPU devices, from figures ILGPU reports in MHz.</summary>
public sealed class IlgpuPeakEstimateTests
{
    [Fact]
    public void Cuda_H200_MatchesTheNativeBackendsDatasheetFigures()
    {
        // An H200 as ILGPU 1.5.3 reported it: 132 SMs, 1980 MHz, memory 3201 MHz, 6016-bit bus, sm_90.
        var peak = IlgpuPeakEstimate.Cuda(132, 1980, 3201, 6016, 9, 0);

        Assert.Equal(1980e6, peak.ClockHz);
        Assert.Equal(66908.16e9, peak.Flops, 66908.16e9 * 1e-12);
        Assert.Equal(4814.304e9, peak.Bandwidth, 4814.304e9 * 1e-12);
        Assert.Equal("sm_90: fp32 = 132 SMs × 1980 MHz × 2 × 128 FP32 lanes; bandwidth = 2 × 3201 MHz × 6016 bit / 8", peak.Source);
    }

    [Fact]
    public void Cuda_A100_Has64LanesPerSm()
    {
        var peak = IlgpuPeakEstimate.Cuda(108, 1410, 1215, 5120, 8, 0);

        Assert.Equal(19491.84e9, peak.Flops, 19491.84e9 * 1e-12);
        Assert.Equal(1555.2e9, peak.Bandwidth, 1555.2e9 * 1e-12);
    }

    [Fact]
    public void OpenCl_ClockInMhz_GivesGigahertz()
    {
        var (flops, source) = IlgpuPeakEstimate.OpenCL(132, 1980, 128);

        Assert.Equal(66908.16e9, flops, 66908.16e9 * 1e-12);
        Assert.StartsWith("fp32 peak = 132 compute units × 1.98 GHz × 128 lanes × 2 (FMA)", source, StringComparison.Ordinal);
    }
}
