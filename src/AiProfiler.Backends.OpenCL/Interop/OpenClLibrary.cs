using System.Reflection;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>
/// Finds the native libraries behind the logical names the bindings import (<see cref="OpenCL"/>,
/// <see cref="ClBlast"/>): the OpenCL ICD loader and CLBlast, under their platform's file names.
/// </summary>
internal static class OpenClLibrary
{
    /// <summary>The logical name of the OpenCL ICD loader in <c>LibraryImport</c>.</summary>
    public const string OpenCL = "OpenCL";

    /// <summary>The logical name of CLBlast in <c>LibraryImport</c>.</summary>
    public const string ClBlast = "clblast";

    private static readonly object Gate = new();
    private static readonly Lazy<bool> OpenClLoads = new(() => TryLoad(OpenClFileNames, out _));
    private static readonly Lazy<bool> ClBlastLoads = new(() => TryLoad(ClBlastFileNames, out _));
    private static bool _resolverSet;

    /// <summary>The file names tried for the OpenCL ICD loader, most specific first.</summary>
    public static string[] OpenClFileNames =>
        OperatingSystem.IsWindows() ? ["OpenCL.dll"]
        : OperatingSystem.IsMacOS() ? ["/System/Library/Frameworks/OpenCL.framework/OpenCL"]
        : ["libOpenCL.so.1", "libOpenCL.so"];

    /// <summary>The file names tried for CLBlast.</summary>
    public static string[] ClBlastFileNames =>
        OperatingSystem.IsWindows() ? ["clblast.dll"]
        : OperatingSystem.IsMacOS() ? ["libclblast.dylib"]
        : ["libclblast.so.1", "libclblast.so"];

    /// <summary>The reason OpenCL is missing, in the words <c>devices</c> shows.</summary>
    public static string MissingOpenClReason =>
        OperatingSystem.IsWindows()
            ? "OpenCL.dll not found (install a GPU driver with OpenCL support)"
            : "libOpenCL.so.1 not found (install ocl-icd-libopencl1 and an ICD such as pocl-opencl-icd)";

    /// <summary>Whether the OpenCL ICD loader can be loaded; registers the name resolver first.</summary>
    public static bool IsOpenClAvailable() => OpenClLoads.Value;

    /// <summary>Whether CLBlast can be loaded.</summary>
    public static bool IsClBlastAvailable() => ClBlastLoads.Value;

    /// <summary>Makes <c>LibraryImport</c> of the logical names load the platform's files.</summary>
    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_resolverSet)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(OpenClLibrary).Assembly, Resolve);
            _resolverSet = true;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var candidates = libraryName switch
        {
            OpenCL => OpenClFileNames,
            ClBlast => ClBlastFileNames,
            _ => null,
        };
        return candidates is not null && TryLoad(candidates, out var handle) ? handle : 0;
    }

    private static bool TryLoad(string[] fileNames, out nint handle)
    {
        EnsureResolver();
        foreach (var name in fileNames)
        {
            if (NativeLibrary.TryLoad(name, out handle))
            {
                return true;
            }
        }

        handle = 0;
        return false;
    }
}
