using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Core.Workers;

/// <summary>
/// One line the agent writes to a worker's standard input: run a workload (<c>run</c>), describe a plugin folder
/// (<c>inspect</c>) or finish (<c>stop</c>). The device's identity and (calibrated) peaks travel with a run, so a worker
/// never repeats the agent's start-up measurements.
/// </summary>
internal sealed record WorkerRequest
{
    public const string Run = "run";
    public const string Inspect = "inspect";
    public const string Stop = "stop";

    public required string Kind { get; init; }

    /// <summary>The plugin folder's full path.</summary>
    public string PluginFolder { get; init; } = "";

    public string Workload { get; init; } = "";

    public string Device { get; init; } = "";

    /// <summary>The agent's description of the device (peaks, bandwidth), so the worker does not measure it again.</summary>
    public DeviceInfo? DeviceInfo { get; init; }

    public Dictionary<string, string> Parameters { get; init; } = [];

    /// <summary>Host threads for a device that runs on them (the CPU); null keeps the device's own count.</summary>
    public int? Threads { get; init; }

    public int Iterations { get; init; } = 10;

    public int WarmupIterations { get; init; } = 2;

    public double TimeBudgetSeconds { get; init; } = 10;

    public double TimeoutSeconds { get; init; } = 300;

    public bool Verify { get; init; } = true;
}
