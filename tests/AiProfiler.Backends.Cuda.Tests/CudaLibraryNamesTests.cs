namespace AiProfiler.Backends.Cuda.Tests;

public sealed class CudaLibraryNamesTests
{
    [Fact]
    public void Default_ThisPlatform_TriesCuda13ThenCuda12()
    {
        var names = CudaLibraryNames.Default;
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal("nvcuda.dll", names.Driver);
            Assert.Equal(["nvrtc64_130_0.dll", "nvrtc64_120_0.dll"], names.Nvrtc);
            Assert.Equal(["cublas64_13.dll", "cublas64_12.dll"], names.Cublas);
        }
        else
        {
            Assert.Equal("libcuda.so.1", names.Driver);
            Assert.Equal(["libnvrtc.so.13", "libnvrtc.so.12"], names.Nvrtc);
            Assert.Equal(["libcublas.so.13", "libcublas.so.12"], names.Cublas);
        }
    }

    [Fact]
    public void Locations_ToolkitFolders_AreTriedAfterTheSearchPath()
    {
        var environment = new Dictionary<string, string?> { ["CUDA_PATH"] = "/opt/cuda-13", ["CUDA_HOME"] = "/opt/cuda-13" };

        var locations = CudaLibraryNames.Locations("libnvrtc.so.13", v => environment.GetValueOrDefault(v)).ToList();

        Assert.Equal("libnvrtc.so.13", locations[0]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(
                ["libnvrtc.so.13", "/opt/cuda-13/lib64/libnvrtc.so.13", "/opt/cuda-13/targets/x86_64-linux/lib/libnvrtc.so.13",
                 "/usr/local/cuda/lib64/libnvrtc.so.13", "/usr/local/cuda/targets/x86_64-linux/lib/libnvrtc.so.13"],
                locations);
        }
    }

    [Fact]
    public void Locations_NameWithAFolder_IsTriedAsGivenOnly()
    {
        var locations = CudaLibraryNames.Locations("/opt/x/libcublas.so.12", _ => "/opt/cuda").ToList();

        Assert.Equal(["/opt/x/libcublas.so.12"], locations);
    }
}
