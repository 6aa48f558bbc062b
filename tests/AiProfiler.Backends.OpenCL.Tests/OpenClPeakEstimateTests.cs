using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL.Tests;

public sealed class OpenClPeakEstimateTests
{
    [Fact]
    public void Estimate_CpuDevice_UsesTheNativeVectorWidth()
    {
        var (flops, source) = OpenClPeakEstimate.Estimate(ClConstants.DeviceTypeCpu, OpenClPeakEstimate.VendorIntel, 2, 2.1e9, 16, 16);

        Assert.Equal(2 * 2.1e9 * 16 * 2, flops);
        Assert.StartsWith("fp32 peak = 2 compute units × 2.1 GHz × 16 lanes (CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, one FMA pipe per compute unit: CPU runtimes count hardware threads, and two SMT threads share a core's two pipes) × 2 (FMA)", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_NvidiaGpu_Uses128LanesPerSm()
    {
        var (flops, source) = OpenClPeakEstimate.Estimate(ClConstants.DeviceTypeGpu, OpenClPeakEstimate.VendorNvidia, 132, 1.98e9, 1, 1);

        Assert.Equal(132 * 1.98e9 * 128 * 2, flops);
        Assert.Contains("128 lanes (NVIDIA SM", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_GpuOfAnUnknownVendor_FallsBackToTheVectorWidth()
    {
        var (flops, _) = OpenClPeakEstimate.Estimate(ClConstants.DeviceTypeGpu, 0x1234, 4, 1e9, 0, 4);

        Assert.Equal(4 * 1e9 * 4 * 2, flops);
    }
}
