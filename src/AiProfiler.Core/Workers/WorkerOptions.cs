using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Core.Workers;

/// <summary>The <c>Workers</c> configuration section: how workload runs are isolated in worker processes.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Workers";

    /// <summary>
    /// The .NET heap limit of each worker (<c>DOTNET_GCHeapHardLimit</c>) in MiB, so a runaway managed allocation fails
    /// its run; 0 means three quarters of the host's memory (or of the cgroup limit, when smaller).
    /// </summary>
    [Range(0, 16 * 1024 * 1024)]
    public int MemoryLimitMegabytes { get; set; }

    /// <summary>Worker deaths in a row (crash, exit, kill after a timeout) after which a plugin is quarantined.</summary>
    [Range(1, 100)]
    public int QuarantineAfterDeaths { get; set; } = 3;

    /// <summary>The first quarantine's length; each further death while on trial doubles it, up to an hour.</summary>
    [Range(1, 3600)]
    public int QuarantineSeconds { get; set; } = 60;

    /// <summary>How long loading a plugin folder in a probe worker may take before the folder is skipped (a constructor that blocks).</summary>
    [Range(1, 300)]
    public int ProbeTimeoutSeconds { get; set; } = 15;

    /// <summary>How long a worker told to stop may take before it is killed.</summary>
    [Range(100, 4000)]
    public int StopGraceMilliseconds { get; set; } = 1000;
}
