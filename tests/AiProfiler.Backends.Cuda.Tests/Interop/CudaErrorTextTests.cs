using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CudaErrorTextTests
{
    [Theory]
    // cuda.h of CUDA 12.6, enum cudaError_enum.
    [InlineData(0, "CUDA_SUCCESS")]
    [InlineData(1, "CUDA_ERROR_INVALID_VALUE")]
    [InlineData(2, "CUDA_ERROR_OUT_OF_MEMORY")]
    [InlineData(3, "CUDA_ERROR_NOT_INITIALIZED")]
    [InlineData(34, "CUDA_ERROR_STUB_LIBRARY")]
    [InlineData(100, "CUDA_ERROR_NO_DEVICE")]
    [InlineData(101, "CUDA_ERROR_INVALID_DEVICE")]
    [InlineData(200, "CUDA_ERROR_INVALID_IMAGE")]
    [InlineData(201, "CUDA_ERROR_INVALID_CONTEXT")]
    [InlineData(209, "CUDA_ERROR_NO_BINARY_FOR_GPU")]
    [InlineData(218, "CUDA_ERROR_INVALID_PTX")]
    [InlineData(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION")]
    [InlineData(400, "CUDA_ERROR_INVALID_HANDLE")]
    [InlineData(500, "CUDA_ERROR_NOT_FOUND")]
    [InlineData(700, "CUDA_ERROR_ILLEGAL_ADDRESS")]
    [InlineData(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES")]
    [InlineData(719, "CUDA_ERROR_LAUNCH_FAILED")]
    [InlineData(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH")]
    [InlineData(915, "CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION")]
    [InlineData(999, "CUDA_ERROR_UNKNOWN")]
    public void DriverName_WithoutDriver_UsesTheHeaderName(int code, string name) =>
        Assert.Equal(name, CudaErrorText.DriverName(code));

    [Fact]
    public void DescribeDriver_WithoutDriver_GivesNameAndMeaning() =>
        Assert.Equal("CUDA_ERROR_NO_DEVICE (no CUDA-capable device was found)", CudaErrorText.DescribeDriver(100));

    [Fact]
    public void DescribeDriver_DriverKnowsTheCode_PrefersTheDriversText() =>
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY (out of memory)",
            CudaErrorText.DescribeDriver(2, _ => ("CUDA_ERROR_OUT_OF_MEMORY", "out of memory")));

    [Fact]
    public void DescribeDriver_DriverDoesNotKnowTheCode_FallsBackToTheTable() =>
        Assert.Equal("CUDA_ERROR_ILLEGAL_ADDRESS (a kernel accessed an illegal address)",
            CudaErrorText.DescribeDriver(700, _ => (null, null)));

    [Fact]
    public void DescribeDriver_UnknownCode_SaysTheNumber() =>
        Assert.Equal("CUDA error 4242", CudaErrorText.DescribeDriver(4242));

    [Fact]
    public void DriverCodes_EveryEntry_HasAHeaderStyleNameAndADescription()
    {
        Assert.All(CudaErrorText.DriverCodes, entry =>
        {
            Assert.StartsWith(entry.Key == 0 ? "CUDA_SUCCESS" : "CUDA_ERROR_", entry.Value.Name, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(entry.Value.Description));
        });
        Assert.Equal(CudaErrorText.DriverCodes.Count, CudaErrorText.DriverCodes.Values.Select(v => v.Name).Distinct().Count());
    }

    [Theory]
    // nvrtc.h of CUDA 12.6.
    [InlineData(0, "NVRTC_SUCCESS")]
    [InlineData(5, "NVRTC_ERROR_INVALID_OPTION")]
    [InlineData(6, "NVRTC_ERROR_COMPILATION")]
    [InlineData(12, "NVRTC_ERROR_TIME_FILE_WRITE_FAILED")]
    public void DescribeNvrtc_WithoutNvrtc_UsesTheHeaderName(int code, string name) =>
        Assert.Equal(name, CudaErrorText.DescribeNvrtc(code));

    [Fact]
    public void DescribeNvrtc_NvrtcSaysUnknown_FallsBackToTheTable() =>
        Assert.Equal("NVRTC_ERROR_COMPILATION", CudaErrorText.DescribeNvrtc(6, _ => "NVRTC_ERROR unknown"));

    [Theory]
    // cublas_api.h of cuBLAS 12.6.
    [InlineData(0, "CUBLAS_STATUS_SUCCESS")]
    [InlineData(8, "CUBLAS_STATUS_ARCH_MISMATCH")]
    [InlineData(15, "CUBLAS_STATUS_NOT_SUPPORTED")]
    [InlineData(16, "CUBLAS_STATUS_LICENSE_ERROR")]
    public void DescribeCublas_WithoutCublas_UsesTheHeaderName(int code, string name) =>
        Assert.Equal(name, CudaErrorText.DescribeCublas(code));

    [Fact]
    public void DescribeCublas_UnknownStatus_SaysTheNumber() =>
        Assert.Equal("cuBLAS status 99", CudaErrorText.DescribeCublas(99));

    [Fact]
    public void FromDriver_WithOrWithoutADriver_DoesNotThrowAndAgreesWithTheHeader()
    {
        // Without a driver the lookup must degrade to nulls (and so to the hand table), never throw.
        var (name, _) = CudaErrorText.FromDriver(100);
        Assert.True(name is null or "CUDA_ERROR_NO_DEVICE", name);
    }
}
