using System.Globalization;

namespace AiProfiler.Backends.Cuda.Kernels;

/// <summary>Builds NVRTC's command line for a device.</summary>
internal static class NvrtcOptions
{
    /// <summary>
    /// The virtual architecture to compile for: the device's own when NVRTC knows it, else the newest one NVRTC
    /// knows below it (PTX for an older virtual architecture is JIT-compiled by the driver for newer devices).
    /// </summary>
    /// <param name="deviceArchitecture">10·major + minor of the device's compute capability.</param>
    /// <param name="supported">nvrtcGetSupportedArchs; empty when NVRTC could not say.</param>
    internal static int ChooseArchitecture(int deviceArchitecture, IReadOnlyCollection<int> supported)
    {
        if (supported.Count == 0 || supported.Contains(deviceArchitecture))
        {
            return deviceArchitecture;
        }

        var below = supported.Where(a => a < deviceArchitecture).DefaultIfEmpty(-1).Max();
        if (below < 0)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"NVRTC supports architectures from sm_{supported.Min()} but the device is sm_{deviceArchitecture}; use an NVRTC that still supports this device"));
        }

        return below;
    }

    /// <summary><c>--gpu-architecture=compute_XY</c> followed by the caller's whitespace-separated options.</summary>
    internal static IReadOnlyList<string> Build(int architecture, string? extraOptions)
    {
        var options = new List<string> { string.Create(CultureInfo.InvariantCulture, $"--gpu-architecture=compute_{architecture}") };
        if (!string.IsNullOrWhiteSpace(extraOptions))
        {
            options.AddRange(extraOptions.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        return options;
    }

    /// <summary>
    /// The prelude that maps the portable dialect to CUDA, then the kernel source. The <c>#line</c> directive makes
    /// NVRTC's messages count lines from the start of the caller's source, not of the prelude.
    /// </summary>
    internal static string ComposeSource(string prelude, string source, string programName) =>
        $"{prelude}\n#line 1 \"{programName}\"\n{source}";
}
