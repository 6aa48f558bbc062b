using System.Globalization;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Parses VmRSS and Threads out of /proc/[pid]/status (proc(5)).</summary>
internal static class ProcessStatusParser
{
    public static ProcessStatus Parse(string text)
    {
        double? resident = null;
        int? threads = null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("VmRSS:"))
            {
                var value = line["VmRSS:".Length..].Trim();
                if (value.EndsWith(" kB", StringComparison.Ordinal)
                    && ulong.TryParse(value[..^3].TrimEnd(), NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                {
                    resident = kib * 1024d;
                }
            }
            else if (line.StartsWith("Threads:")
                && int.TryParse(line["Threads:".Length..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                threads = count;
            }
        }

        return resident is null || threads is null
            ? throw new FormatException("process status has no VmRSS or Threads line")
            : new ProcessStatus(resident.Value, threads.Value);
    }
}
