namespace AiProfiler.Backends.Cuda;

/// <summary>The file names the CUDA backend loads its three native libraries from.</summary>
/// <param name="Driver">The driver API, installed with the NVIDIA driver.</param>
/// <param name="Nvrtc">The CUDA 12 runtime compiler.</param>
/// <param name="Cublas">cuBLAS 12.</param>
public sealed record CudaLibraryNames(string Driver, string Nvrtc, string Cublas)
{
    /// <summary>The names on this platform: libcuda.so.1, libnvrtc.so.12 and libcublas.so.12 on Linux; nvcuda.dll,
    /// nvrtc64_120_0.dll and cublas64_12.dll on Windows.</summary>
    public static CudaLibraryNames Default { get; } = OperatingSystem.IsWindows()
        ? new CudaLibraryNames("nvcuda.dll", "nvrtc64_120_0.dll", "cublas64_12.dll")
        : new CudaLibraryNames("libcuda.so.1", "libnvrtc.so.12", "libcublas.so.12");
}
