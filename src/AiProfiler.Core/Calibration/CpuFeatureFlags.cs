namespace AiProfiler.Core.Calibration;

/// <summary>The CPU feature flags Linux lists in /proc/cpuinfo, for features .NET has no <c>IsSupported</c> for.</summary>
internal static class CpuFeatureFlags
{
    public static IReadOnlySet<string> Read(string path = "/proc/cpuinfo")
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : new HashSet<string>();
        }
        catch (IOException)
        {
            return new HashSet<string>();
        }
    }

    /// <summary>The words of the first <c>flags</c> line.</summary>
    public static IReadOnlySet<string> Parse(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "flags")
            {
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
        }

        return new HashSet<string>();
    }
}
