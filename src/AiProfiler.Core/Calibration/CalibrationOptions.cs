using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Core.Calibration;

/// <summary>Configuration section <c>Calibration</c>.</summary>
public sealed class CalibrationOptions
{
    /// <summary>The configuration section's name.</summary>
    public const string SectionName = "Calibration";

    /// <summary>
    /// Where <c>calibration.json</c> is kept. Empty: <c>$STATE_DIRECTORY</c> when systemd gives the service one
    /// (<c>/var/lib/aiprofiler</c>), else <c>$XDG_CACHE_HOME/aiprofiler</c>, <c>~/.cache/aiprofiler</c> on Linux, or the
    /// local application data folder elsewhere.
    /// </summary>
    public string Directory { get; set; } = "";

    /// <summary>Whether the agent measures its devices at start when no valid calibration is cached (default true).</summary>
    public bool OnStart { get; set; } = true;

    /// <summary>Target seconds of one timed compute pass (default 0.2).</summary>
    [Range(0.001, 10)]
    public double PassSeconds { get; set; } = 0.2;

    /// <summary>Timed passes per ceiling; the median is kept and the extremes give the spread (default 7).</summary>
    [Range(3, 101)]
    public int Repetitions { get; set; } = 7;

    /// <summary>MiB per array of the bandwidth test, three arrays (default 64: together several times any L3 cache).</summary>
    [Range(1, 4096)]
    public int BandwidthMiB { get; set; } = 64;

    internal CalibrationSettings Settings => new(PassSeconds, Repetitions, (long)BandwidthMiB << 20 >> 2);

    /// <summary>The directory in use after the defaults are applied.</summary>
    public string ResolveDirectory()
    {
        if (Directory.Length > 0)
        {
            return Path.GetFullPath(Directory);
        }

        if (Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } state)
        {
            // systemd may list several directories separated by colons; the first is the unit's own.
            return state.Split(':')[0];
        }

        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg)
        {
            return Path.Combine(xdg, "aiprofiler");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return OperatingSystem.IsLinux() && home.Length > 0
            ? Path.Combine(home, ".cache", "aiprofiler")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "aiprofiler");
    }
}
