namespace AiProfiler.Core.Scheduling;

/// <summary>The <c>Schedule</c> configuration section: which workloads run where, how often.</summary>
public sealed class ScheduleOptions
{
    /// <summary>The configuration section's name.</summary>
    public const string SectionName = "Schedule";

    /// <summary>Run the jobs; off leaves the agent serving only telemetry.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds to wait after start-up before the first run, so the agent is scraped idle once.</summary>
    public double InitialDelaySeconds { get; set; } = 1;

    /// <summary>The jobs.</summary>
    public IList<ScheduledJobOptions> Jobs { get; } = [];
}
