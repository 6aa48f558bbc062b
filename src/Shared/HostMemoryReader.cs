using System.Globalization;

namespace AiProfiler.Shared;

/// <summary>
/// The one reader of the host's memory (compiled into each project that needs it): <c>MemTotal</c> and
/// <c>MemAvailable</c> of <c>/proc/meminfo</c>, bounded by the memory limit of this process's cgroup and of every
/// cgroup above it (v2 <c>memory.max</c>/<c>memory.current</c>, v1 <c>memory.limit_in_bytes</c>/<c>memory.usage_in_bytes</c>),
/// so a container or the systemd unit's <c>MemoryMax</c> is honoured. The roots are settings so tests use fixture trees.
/// </summary>
internal sealed class HostMemoryReader(string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
{
    /// <summary>Kept free for the agent and the rest of the host by <see cref="AvailableBytes"/>.</summary>
    public const long SafetyMarginBytes = 256L * 1024 * 1024;

    /// <summary>Limits above this are "no limit" (cgroup v1 writes a page-rounded 2^63 when unlimited).</summary>
    private const long Unlimited = 1L << 60;

    /// <summary>The reader of this machine.</summary>
    public static HostMemoryReader System { get; } = new();

    /// <summary>Installed memory, or the cgroup limit when that is smaller.</summary>
    public long TotalBytes()
    {
        var total = Meminfo("MemTotal") ?? global::System.GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Cgroups().Select(c => c.Limit).Where(l => l < Unlimited).Append(total).Min();
    }

    /// <summary>
    /// Memory a new allocation can use now, less <see cref="SafetyMarginBytes"/>: the smaller of <c>MemAvailable</c>
    /// and each limiting cgroup's headroom (limit less usage, not counting reclaimable file cache); never negative.
    /// </summary>
    public long AvailableBytes()
    {
        var gc = global::System.GC.GetGCMemoryInfo();
        var available = Meminfo("MemAvailable") ?? (gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes);
        foreach (var (limit, usage) in Cgroups())
        {
            if (limit < Unlimited)
            {
                available = Math.Min(available, limit - usage);
            }
        }

        return Math.Max(0, available - SafetyMarginBytes);
    }

    /// <summary>OOM kills counted by this process's cgroup (v2 <c>memory.events</c>), or null where not readable.</summary>
    public long? OomKills()
    {
        var own = OwnCgroupPaths().FirstOrDefault(p => p.Version == 2);
        return own.Path is null ? null : ParseField(ReadOrEmpty(Path.Combine(own.Path, "memory.events")), "oom_kill");
    }

    /// <summary>One field of a <c>key value</c> file (memory.events, memory.stat) or of /proc/meminfo (<c>key: value kB</c>).</summary>
    public static long? ParseField(string text, string field)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(field) || line.Length <= field.Length || line[field.Length] is not (':' or ' '))
            {
                continue;
            }

            var rest = line[(field.Length + 1)..].Trim();
            var space = rest.IndexOf(' ');
            var kib = space >= 0 && rest[(space + 1)..].Trim() is "kB";
            var digits = space < 0 ? rest : rest[..space];
            return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? (kib ? v * 1024 : v) : null;
        }

        return null;
    }

    private long? Meminfo(string field) => ParseField(ReadOrEmpty(Path.Combine(procRoot, "meminfo")), field);

    /// <summary>(limit, usage) of this process's cgroup and each of its ancestors that has a memory controller.</summary>
    private IEnumerable<(long Limit, long Usage)> Cgroups()
    {
        foreach (var (version, path) in OwnCgroupPaths())
        {
            for (var dir = path; dir is not null && dir.Length >= cgroupRoot.Length; dir = Path.GetDirectoryName(dir))
            {
                var (limitFile, usageFile, cacheField) = version == 2
                    ? ("memory.max", "memory.current", "inactive_file")
                    : ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");
                var limitText = ReadOrEmpty(Path.Combine(dir, limitFile)).Trim();
                if (limitText.Length == 0 || limitText == "max" ||
                    !long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                {
                    continue;
                }

                _ = long.TryParse(ReadOrEmpty(Path.Combine(dir, usageFile)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var usage);
                var cache = ParseField(ReadOrEmpty(Path.Combine(dir, "memory.stat")), cacheField) ?? 0;
                yield return (limit, Math.Max(0, usage - cache));
            }
        }
    }

    /// <summary>The directories of this process's memory cgroup, from <c>/proc/self/cgroup</c>.</summary>
    private IEnumerable<(int Version, string Path)> OwnCgroupPaths()
    {
        foreach (var line in ReadOrEmpty(Path.Combine(procRoot, "self", "cgroup")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            var relative = parts[2].Trim().TrimStart('/');
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                yield return (2, Path.Combine(cgroupRoot, relative));
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                yield return (1, Path.Combine(cgroupRoot, "memory", relative));
            }
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
