namespace AiProfiler.Backends.Cuda;

/// <summary>The file names the CUDA backend loads its three native libraries from.</summary>
/// <param name="Driver">The driver API, installed with the NVIDIA driver.</param>
/// <param name="Nvrtc">The runtime compiler's file names, tried in order (newest toolkit first).</param>
/// <param name="Cublas">cuBLAS's file names, tried in order (newest toolkit first).</param>
/// <remarks>
/// NVRTC and cuBLAS carry the toolkit's major version in their file name, and the driver runs code from any toolkit
/// up to its own version, so both the CUDA 13 and the CUDA 12 names are tried: a machine with only a CUDA 13 toolkit
/// (driver 580 or later) works as well as one with CUDA 12. Each name is tried through the loader's search path
/// first, then in the toolkit's own folder (<c>$CUDA_PATH</c>, <c>$CUDA_HOME</c>, <c>/usr/local/cuda</c>), which
/// installers often leave off that path.
/// </remarks>
public sealed record CudaLibraryNames(string Driver, IReadOnlyList<string> Nvrtc, IReadOnlyList<string> Cublas)
{
    /// <summary>Names one file per library.</summary>
    public CudaLibraryNames(string driver, string nvrtc, string cublas)
        : this(driver, [nvrtc], [cublas])
    {
    }

    /// <summary>The names on this platform: libcuda.so.1, libnvrtc.so.13 or .12 and libcublas.so.13 or .12 on Linux;
    /// nvcuda.dll, nvrtc64_130_0.dll or nvrtc64_120_0.dll and cublas64_13.dll or cublas64_12.dll on Windows.</summary>
    public static CudaLibraryNames Default { get; } = OperatingSystem.IsWindows()
        ? new CudaLibraryNames("nvcuda.dll", ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll"], ["cublas64_13.dll", "cublas64_12.dll"])
        : new CudaLibraryNames("libcuda.so.1", ["libnvrtc.so.13", "libnvrtc.so.12"], ["libcublas.so.13", "libcublas.so.12"]);

    /// <summary>Where a toolkit library is looked for when the loader's search path lacks it: <paramref name="name"/>
    /// itself, then inside the folders <c>$CUDA_PATH</c>, <c>$CUDA_HOME</c> and <c>/usr/local/cuda</c> name (their
    /// <c>lib64</c> and <c>targets/x86_64-linux/lib</c> on Linux, <c>bin</c> and <c>bin\x64</c> on Windows). A name
    /// with a folder in it is tried as given only.</summary>
    public static IEnumerable<string> Locations(string name, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        yield return name;
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            yield break;
        }

        environment ??= Environment.GetEnvironmentVariable;
        var roots = new[] { environment("CUDA_PATH"), environment("CUDA_HOME"), OperatingSystem.IsWindows() ? null : "/usr/local/cuda" }
            .Where(r => !string.IsNullOrWhiteSpace(r))
            .Distinct(StringComparer.Ordinal);
        string[] below = OperatingSystem.IsWindows() ? ["bin", Path.Combine("bin", "x64")] : ["lib64", Path.Combine("targets", "x86_64-linux", "lib")];
        foreach (var root in roots)
        {
            foreach (var folder in below)
            {
                yield return Path.Combine(root!, folder, name);
            }
        }
    }
}
