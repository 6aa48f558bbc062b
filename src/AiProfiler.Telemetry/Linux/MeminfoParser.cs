using System.Globalization;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Parses /proc/meminfo (proc(5)) into bytes per field.</summary>
internal static class MeminfoParser
{
    /// <summary>
    /// Field name to value; values with a <c>kB</c> suffix (the kernel means KiB) are converted to bytes, values
    /// without one (HugePages_Total) are plain counts.
    /// </summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var rest = line[(colon + 1)..].Trim();
            var multiplier = 1d;
            if (rest.EndsWith(" kB", StringComparison.Ordinal))
            {
                rest = rest[..^3].TrimEnd();
                multiplier = 1024;
            }

            if (ulong.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                result[line[..colon].ToString()] = value * multiplier;
            }
        }

        return result;
    }
}
