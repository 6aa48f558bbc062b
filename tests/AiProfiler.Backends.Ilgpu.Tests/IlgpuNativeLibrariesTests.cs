namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>Which files ilgpu-cuda loads cuBLAS from, and what a user reads when none loads.</summary>
public sealed class IlgpuNativeLibrariesTests
{
    [Theory]
    [InlineData("libcublas.so.12", true)]
    [InlineData("libcublas.so.11", true)]
    [InlineData("cublas64_12.dll", true)]
    [InlineData("libcublas.11.dylib", true)]
    [InlineData("cuda", false)]
    [InlineData("libcurand.so.10", false)]
    public void IsCublasImport_TakesEveryCublasNameIlgpuAsksFor(string importName, bool expected) =>
        Assert.Equal(expected, IlgpuNativeLibraries.IsCublasImport(importName));

    [Fact]
    public void CublasFiles_Cuda13BeforeCuda12_EachOnThePathThenInTheToolkit()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the Linux file names are pinned here; Windows tries cublas64_13.dll, then cublas64_12.dll");

        var files = IlgpuNativeLibraries.CublasFiles(name => name == "CUDA_HOME" ? "/opt/cuda-13.0" : null).ToList();

        Assert.Equal(
            [
                "libcublas.so.13",
                "/opt/cuda-13.0/lib64/libcublas.so.13",
                "/opt/cuda-13.0/targets/x86_64-linux/lib/libcublas.so.13",
                "/usr/local/cuda/lib64/libcublas.so.13",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13",
                "libcublas.so.12",
                "/opt/cuda-13.0/lib64/libcublas.so.12",
                "/opt/cuda-13.0/targets/x86_64-linux/lib/libcublas.so.12",
                "/usr/local/cuda/lib64/libcublas.so.12",
                "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.12",
            ],
            files);
    }

    [Fact]
    public void CublasMissingReason_OneLineNamingTheFilesAndTheWayOut()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the Linux file names are pinned here");

        var reason = IlgpuNativeLibraries.CublasMissingReason(new DllNotFoundException("Unable to load shared library 'libcublas.so.12':\n  /app/libcublas.so.12: cannot open"));

        Assert.Equal(
            "cuBLAS cannot run on ilgpu-cuda (tried libcublas.so.13, libcublas.so.12 on the loader path and in $CUDA_PATH, $CUDA_HOME, /usr/local/cuda; DllNotFoundException: Unable to load shared library 'libcublas.so.12':); install cuBLAS of CUDA 12 or 13, or use AIPROFILER_ILGPU_GEMM=tiled or auto",
            reason);
    }
}
