using System.Globalization;

namespace AiProfiler.Bench.Workloads;

/// <summary>The last-level cache size, from Linux sysfs (0 where it cannot be read).</summary>
internal static class CacheSize
{
    public static long LastLevelBytes()
    {
        var best = 0L;
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(root))
        {
            return 0;
        }

        foreach (var index in Directory.EnumerateDirectories(root, "index*"))
        {
            var size = Path.Combine(index, "size");
            if (File.Exists(size))
            {
                best = Math.Max(best, Parse(File.ReadAllText(size).Trim()));
            }
        }

        return best;
    }

    public static string Describe(long bytes) => bytes switch
    {
        0 => "unknown",
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
    };

    /// <summary>How many times the last-level cache <paramref name="bytes"/> is, or that the cache size is unknown (sysfs on some AMD VMs has no L3 entry).</summary>
    public static string Times(double bytes, long lastLevelBytes) => lastLevelBytes > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / lastLevelBytes:0.0}x L3")
        : "L3 size unknown";

    private static long Parse(string text)
    {
        var multiplier = text[^1] switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 1L,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value * multiplier : 0;
    }
}
