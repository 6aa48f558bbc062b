using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Tests.FakeCuda;

/// <summary>
/// fake_cuda.c built with gcc into one shared library that stands in for libcuda, libnvrtc and libcublas, and its
/// test controls. The backend binds a library once per process, so every test that uses it runs in
/// <see cref="FakeCudaCollection"/>, one at a time. The ILGPU tests link this folder's files to load ILGPU's PTX.
/// </summary>
internal static unsafe class FakeCudaLibrary
{
    private static readonly Lazy<string> Built = new(Build);
    private static readonly Lazy<nint> Handle = new(() => NativeLibrary.Load(Built.Value));

    /// <summary>All three libraries are the fake.</summary>
    internal static CudaLibraryNames Names => new(Built.Value, Built.Value, Built.Value);

    internal static long LiveObjects => ((delegate* unmanaged<long>)Export("fake_live_objects"))();

    internal static int CompileCount => ((delegate* unmanaged<int>)Export("fake_compile_count"))();

    internal static void SetInitResult(int result) => ((delegate* unmanaged<int, void>)Export("fake_set_init_result"))(result);

    /// <summary>Grid then block dimensions of the last launch.</summary>
    internal static uint[] LastLaunch()
    {
        var dims = new uint[6];
        fixed (uint* p = dims)
        {
            ((delegate* unmanaged<uint*, void>)Export("fake_last_launch"))(p);
        }

        return dims;
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Handle.Value, name);

    private static string Build()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "FakeCuda", "fake_cuda.c");
        var library = Path.Combine(AppContext.BaseDirectory, "libaiprofiler-fake-cuda.so");
        if (File.Exists(library) && File.GetLastWriteTimeUtc(library) >= File.GetLastWriteTimeUtc(source))
        {
            return library;
        }

        var start = new ProcessStartInfo("gcc", ["-std=c11", "-Wall", "-shared", "-fPIC", "-o", library, source])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var gcc = Process.Start(start) ?? throw new InvalidOperationException("gcc did not start");
        var errors = gcc.StandardError.ReadToEndAsync();
        gcc.StandardOutput.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc could not build the fake CUDA library (Debian package gcc): {errors.Result}");
        }

        return library;
    }
}
