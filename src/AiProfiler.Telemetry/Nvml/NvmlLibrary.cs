using System.Reflection;
using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// Finds libnvidia-ml.so.1 (nvml.dll on Windows) with NativeLibrary.TryLoad, so a machine without the NVIDIA driver
/// gets a reason instead of a DllNotFoundException, and points <see cref="NvmlNative"/>'s import name at it.
/// </summary>
internal static class NvmlLibrary
{
    public const string ImportName = "aiprofiler-nvml";

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static bool _resolverInstalled;

    /// <summary>The names tried, in order: the driver installs the library on the loader path on Linux and in System32 or NVSMI on Windows.</summary>
    public static string[] DefaultCandidates =>
        OperatingSystem.IsWindows()
            ? ["nvml.dll", Path.Combine(Environment.GetEnvironmentVariable("ProgramW6432") ?? @"C:\Program Files", "NVIDIA Corporation", "NVSMI", "nvml.dll")]
            : ["libnvidia-ml.so.1"];

    /// <summary>Loads the first candidate that exists; returns the handle, or 0 with a one-line reason.</summary>
    public static nint TryLoad(IReadOnlyList<string> candidates, out string? reason)
    {
        lock (Gate)
        {
            if (_handle == 0)
            {
                foreach (var candidate in candidates)
                {
                    if (NativeLibrary.TryLoad(candidate, out var handle))
                    {
                        _handle = handle;
                        break;
                    }
                }
            }

            if (_handle == 0)
            {
                reason = $"{candidates[0]} not found (no NVIDIA driver)";
                return 0;
            }

            if (!_resolverInstalled)
            {
                // One resolver per assembly is allowed; it only answers for NVML's import name.
                NativeLibrary.SetDllImportResolver(typeof(NvmlLibrary).Assembly, Resolve);
                _resolverInstalled = true;
            }

            reason = null;
            return _handle;
        }
    }

    public static bool HasExport(nint handle, string symbol) => NativeLibrary.TryGetExport(handle, symbol, out _);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == ImportName ? _handle : 0;
}
