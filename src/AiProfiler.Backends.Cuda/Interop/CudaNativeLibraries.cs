using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// Loads the CUDA libraries by file name (which differs per platform and can be overridden) and hands them to the
/// <c>LibraryImport</c> bindings, which name logical libraries. A library is bound only after every entry point
/// the bindings use was found in it, so a missing or too old library is reported before any native call is made.
/// The first library bound to a logical name serves the whole process.
/// </summary>
internal static class CudaNativeLibraries
{
    internal const string Driver = "aiprofiler-cuda-driver";
    internal const string Nvrtc = "aiprofiler-nvrtc";
    internal const string Cublas = "aiprofiler-cublas";

    private static readonly ConcurrentDictionary<string, nint> Bound = new(StringComparer.Ordinal);

    static CudaNativeLibraries() =>
        NativeLibrary.SetDllImportResolver(typeof(CudaNativeLibraries).Assembly, Resolve);

    /// <summary>Loads <paramref name="fileName"/>, checks its exports and binds it to <paramref name="logicalName"/>.</summary>
    /// <returns>Null on success, else why the library cannot be used.</returns>
    internal static LibraryLoadFailure? TryBind(string logicalName, string fileName, IEnumerable<string> requiredExports)
    {
        if (!NativeLibrary.TryLoad(fileName, typeof(CudaNativeLibraries).Assembly, null, out var handle))
        {
            return new LibraryLoadFailure(fileName, null);
        }

        foreach (var export in requiredExports)
        {
            if (!NativeLibrary.TryGetExport(handle, export, out _))
            {
                NativeLibrary.Free(handle);
                return new LibraryLoadFailure(fileName, export);
            }
        }

        if (!Bound.TryAdd(logicalName, handle))
        {
            // Already bound (the same file, loaded twice, only counts up a reference): keep the first.
            NativeLibrary.Free(handle);
        }

        return null;
    }

    /// <summary>Binds the first of <paramref name="fileNames"/> that loads with every export (each tried at the
    /// <see cref="CudaLibraryNames.Locations"/> it may be found at).</summary>
    /// <returns>Null on success; else the first file that was found but lacks an export, or, when none was found,
    /// a failure naming all of them ("a or b").</returns>
    internal static LibraryLoadFailure? TryBindFirst(string logicalName, IReadOnlyList<string> fileNames, IReadOnlyCollection<string> requiredExports)
    {
        LibraryLoadFailure? tooOld = null;
        foreach (var name in fileNames)
        {
            foreach (var location in CudaLibraryNames.Locations(name))
            {
                var failure = TryBind(logicalName, location, requiredExports);
                if (failure is null)
                {
                    return null;
                }

                if (failure.MissingExport is not null)
                {
                    tooOld ??= failure with { FileName = name };
                    break;
                }
            }
        }

        return tooOld ?? new LibraryLoadFailure(string.Join(" or ", fileNames), null);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        Bound.TryGetValue(libraryName, out var handle) ? handle : 0;
}
