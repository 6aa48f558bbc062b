using System.Globalization;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// The host's available memory, which bounds what a CPU OpenCL device (PoCL) can allocate: its buffers live in host
/// memory, and its reported global memory size is only a fraction of the installed memory, not what is free.
/// </summary>
internal static class HostMemory
{
    /// <summary>Kept free for the agent and the rest of the host.</summary>
    public const long SafetyMarginBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Bytes available now, less <see cref="SafetyMarginBytes"/>: <c>MemAvailable</c> of /proc/meminfo on Linux, bounded by
    /// the runtime's view (which includes container limits); elsewhere the runtime's total less its memory load.
    /// </summary>
    public static long AvailableBytes()
    {
        var gc = GC.GetGCMemoryInfo();
        var available = gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var fromProc = ParseMemAvailable(File.ReadAllText("/proc/meminfo"));
                if (fromProc is { } bytes)
                {
                    available = Math.Min(bytes, gc.TotalAvailableMemoryBytes);
                }
            }
            catch (IOException)
            {
                // The runtime's figure stands.
            }
            catch (UnauthorizedAccessException)
            {
                // The runtime's figure stands.
            }
        }

        return Math.Max(0, available - SafetyMarginBytes);
    }

    /// <summary>The <c>MemAvailable</c> line of /proc/meminfo, in bytes; null when absent (kernels before 3.14).</summary>
    public static long? ParseMemAvailable(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["MemAvailable:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib))
            {
                return kib * 1024;
            }
        }

        return null;
    }
}
