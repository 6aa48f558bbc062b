using System.Reflection;
using System.Runtime.InteropServices;
using AiProfiler.Backends.Cuda;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Maps the library names ILGPU imports to the files a driver or toolkit installs. ILGPU asks for <c>OpenCL</c> and
/// <c>cuda</c>, which on Linux only resolve through the -dev packages' unversioned symlinks; the ICD loader and the
/// NVIDIA driver install <c>libOpenCL.so.1</c> and <c>libcuda.so.1</c>. Without this ILGPU finds no device and says
/// nothing. ILGPU.Algorithms asks for cuBLAS by the CUDA 10 to 12 names only (<c>libcublas.so.12</c>,
/// <c>cublas64_12.dll</c>, ...), so on a machine with only CUDA 13 its GEMM fell back to the tiled kernel.
/// </summary>
internal static class IlgpuNativeLibraries
{
    private static readonly Lazy<string?> Installed = new(Install);

    /// <summary>The driver's file name for each name ILGPU imports, on this OS.</summary>
    public static string? DriverFile(string importName) => importName switch
    {
        "OpenCL" => OperatingSystem.IsWindows() ? "OpenCL.dll" : "libOpenCL.so.1",
        "cuda" => OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1",
        _ => null,
    };

    /// <summary>Whether <paramref name="importName"/> is one of the names ILGPU.Algorithms imports cuBLAS by.</summary>
    public static bool IsCublasImport(string importName) =>
        importName.StartsWith("libcublas.", StringComparison.Ordinal) || importName.StartsWith("cublas64_", StringComparison.Ordinal);

    /// <summary>
    /// The files tried, in order, for any cuBLAS import: the native CUDA backend's list (CUDA 13, then 12: cuBLAS
    /// keeps the v2 entry points ILGPU's GEMM calls, and the driver runs either), each on the loader's search path and
    /// then in the toolkit folders. ILGPU tries its newest binding first, so whichever name it asks for gets the
    /// newest cuBLAS installed, the same library the native backend measures.
    /// </summary>
    public static IEnumerable<string> CublasFiles(Func<string, string?>? environment = null) =>
        CudaLibraryNames.Default.Cublas.SelectMany(name => CudaLibraryNames.Locations(name, environment));

    /// <summary>Why ILGPU's cuBLAS cannot run here, in one line naming what was tried and the way out.</summary>
    /// <remarks>The loader's message lists every path it probed on separate lines; only its first line is kept.</remarks>
    public static string CublasMissingReason(Exception error) =>
        $"cuBLAS cannot run on ilgpu-cuda (tried {string.Join(", ", CudaLibraryNames.Default.Cublas)} on the loader path and in $CUDA_PATH, $CUDA_HOME, /usr/local/cuda; {error.GetType().Name}: {error.Message.Split('\n')[0].Trim()}); install cuBLAS of CUDA 12 or 13, or use AIPROFILER_ILGPU_GEMM=tiled or auto";

    /// <summary>Installs the resolvers once per process; returns null, or why they could not be installed.</summary>
    public static string? EnsureInstalled() => Installed.Value;

    /// <summary>Whether the driver library for <paramref name="importName"/> loads here.</summary>
    public static bool DriverLoads(string importName)
    {
        if (DriverFile(importName) is not { } file || !NativeLibrary.TryLoad(file, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    private static string? Install()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
        }
        catch (InvalidOperationException e)
        {
            // Someone else (ILGPU itself under WSL) already owns ILGPU's resolver; ILGPU's own lookup then applies.
            return e.Message;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(CuBlas).Assembly, ResolveCublas);
            return null;
        }
        catch (InvalidOperationException)
        {
            // Another owner of ILGPU.Algorithms' resolver only costs the CUDA 13 names: the tiled GEMM still runs.
            return null;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        DriverFile(name) is { } file && NativeLibrary.TryLoad(file, assembly, searchPath, out var handle) ? handle : 0;

    private static nint ResolveCublas(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!IsCublasImport(name))
        {
            return 0;
        }

        foreach (var file in CublasFiles())
        {
            if (NativeLibrary.TryLoad(file, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        return 0;
    }
}
