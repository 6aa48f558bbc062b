namespace AiProfiler.Backends.Cuda.Tests;

public sealed class CudaLibraryNamesTests
{
    [Fact]
    public void Default_ThisPlatform_NamesTheCuda12Libraries()
    {
        var expected = OperatingSystem.IsWindows()
            ? new CudaLibraryNames("nvcuda.dll", "nvrtc64_120_0.dll", "cublas64_12.dll")
            : new CudaLibraryNames("libcuda.so.1", "libnvrtc.so.12", "libcublas.so.12");
        Assert.Equal(expected, CudaLibraryNames.Default);
    }
}
