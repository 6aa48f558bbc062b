namespace AiProfiler.Core.Scheduling;

/// <summary>One entry of <c>Schedule:Jobs</c>: a workload with one parameter set, run on some devices, periodically.</summary>
public sealed class ScheduledJobOptions
{
    /// <summary>The workload's name, e.g. <c>gemm</c>.</summary>
    public string Workload { get; set; } = "";

    /// <summary>Device ids: <c>cpu</c>, <c>opencl:N</c>, <c>cuda:N</c>, or <c>all</c> for every device found.</summary>
    public IList<string> Devices { get; } = [];

    /// <summary>Parameter values by name; unset parameters take their defaults.</summary>
    public IDictionary<string, string> Parameters { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Seconds between the starts of two runs of this job (1 to 86400).</summary>
    public double IntervalSeconds { get; set; } = 60;

    /// <summary>Timed iterations per run (1 to 100000).</summary>
    public int Iterations { get; set; } = 10;

    /// <summary>Untimed iterations before timing (0 to 1000).</summary>
    public int WarmupIterations { get; set; } = 2;

    /// <summary>Stop timing after this many seconds (0.01 to 3600).</summary>
    public double TimeBudgetSeconds { get; set; } = 10;

    /// <summary>Give up on a run after this many seconds (1 to 86400).</summary>
    public double TimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// Host threads for the CPU device (1 to the logical cores); unset: all of them. Accelerators ignore it. The same
    /// setting as <c>aiprofiler bench --threads</c>.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>Verify every run's output (on by default; verification of large shapes samples rows).</summary>
    public bool Verify { get; set; } = true;
}
