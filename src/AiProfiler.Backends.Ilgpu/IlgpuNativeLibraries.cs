using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Maps the library names ILGPU imports to the files a driver installs. ILGPU asks for <c>OpenCL</c> and <c>cuda</c>,
/// which on Linux only resolve through the -dev packages' unversioned symlinks; the ICD loader and the NVIDIA driver
/// install <c>libOpenCL.so.1</c> and <c>libcuda.so.1</c>. Without this ILGPU finds no device and says nothing.
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

    /// <summary>Installs the resolver once per process; returns null, or why it could not be installed.</summary>
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
            return null;
        }
        catch (InvalidOperationException e)
        {
            // Someone else (ILGPU itself under WSL) already owns ILGPU's resolver; ILGPU's own lookup then applies.
            return e.Message;
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        DriverFile(name) is { } file && NativeLibrary.TryLoad(file, assembly, searchPath, out var handle) ? handle : 0;
}
