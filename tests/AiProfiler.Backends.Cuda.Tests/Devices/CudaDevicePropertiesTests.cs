using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Devices;

namespace AiProfiler.Backends.Cuda.Tests.Devices;

public sealed class CudaDevicePropertiesTests
{
    [Fact]
    public void ToDeviceInfo_A100_DescribesTheDeviceForTheDevicesList()
    {
        var info = (CudaPeakEstimatorTests.A100 with { Ordinal = 1 }).ToDeviceInfo(12060);

        Assert.Equal("cuda:1", info.Id);
        Assert.Equal(DeviceKind.Cuda, info.Kind);
        Assert.Equal("NVIDIA A100-SXM4-40GB", info.Name);
        Assert.Equal("NVIDIA", info.Vendor);
        Assert.Equal("CUDA 12.6", info.DriverVersion);
        Assert.Equal(42_505_273_344, info.MemoryBytes);
        Assert.Equal(108, info.ComputeUnits);
        Assert.Equal(1.41e9, info.ClockHz);
        Assert.Equal(info.PeakFlopsFor(DataType.Float16), info.PeakFlopsFor(DataType.BFloat16));
        Assert.True(info.PeakFlopsFor(DataType.Float16) > 10 * info.PeakFlopsPerSecond);
        Assert.StartsWith("sm_80: ", info.PeakSource, StringComparison.Ordinal);
    }

    [Fact]
    public void ToDeviceInfo_Turing_HasFp16TensorPeakButNoBf16One()
    {
        var info = (CudaPeakEstimatorTests.A100 with { ComputeCapabilityMajor = 7, ComputeCapabilityMinor = 5 }).ToDeviceInfo(12060);

        Assert.True(info.PeakFlopsByType.ContainsKey(DataType.Float16));
        Assert.False(info.PeakFlopsByType.ContainsKey(DataType.BFloat16));
        Assert.Equal(info.PeakFlopsPerSecond, info.PeakFlopsFor(DataType.BFloat16));
    }

    [Theory]
    [InlineData(12060, "CUDA 12.6")]
    [InlineData(12080, "CUDA 12.8")]
    [InlineData(13000, "CUDA 13.0")]
    [InlineData(0, "")]
    public void FormatDriverVersion_DriverNumber_IsMajorDotMinor(int version, string expected) =>
        Assert.Equal(expected, CudaDeviceProperties.FormatDriverVersion(version));

    [Fact]
    public void Architecture_ComputeCapability_IsNvrtcsNumber() =>
        Assert.Equal(86, (CudaPeakEstimatorTests.A100 with { ComputeCapabilityMinor = 6 }).Architecture);
}
