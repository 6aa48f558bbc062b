using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Core.Roofline;
using AiProfiler.Core.Running;

namespace AiProfiler.Core.Workers;

/// <summary>
/// What a worker measured, without what the agent knows better: the agent rebuilds the <see cref="RunResult"/> with
/// its own device description, so the roofline uses the agent's calibrated peaks.
/// </summary>
internal sealed record WorkerRunResult
{
    public required string Workload { get; init; }

    public required string Parameters { get; init; }

    public string ParameterLabel { get; init; } = "defaults";

    public required RunOutcome Outcome { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public string Shape { get; init; } = "";

    public string Implementation { get; init; } = "";

    public DataType Precision { get; init; } = DataType.Float32;

    public int? Threads { get; init; }

    public WorkloadCost? Cost { get; init; }

    public IReadOnlyList<double> IterationSeconds { get; init; } = [];

    public Dictionary<string, RunStatistics> Measurements { get; init; } = [];

    public VerificationResult? Verification { get; init; }

    public string? Error { get; init; }

    public static WorkerRunResult From(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new WorkerRunResult
        {
            Workload = result.Workload,
            Parameters = result.Parameters,
            ParameterLabel = result.ParameterLabel,
            Outcome = result.Outcome,
            StartedAt = result.StartedAt,
            Shape = result.Shape,
            Implementation = result.Implementation,
            Precision = result.Precision,
            Threads = result.Threads,
            Cost = result.Cost,
            IterationSeconds = result.IterationSeconds,
            Measurements = result.Measurements.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
            Verification = result.Verification,
            Error = result.Error,
        };
    }

    public RunResult ToRunResult(DeviceInfo device)
    {
        var latency = IterationSeconds.Count > 0 ? RunStatistics.From(IterationSeconds) : null;
        return new RunResult
        {
            Workload = Workload,
            Device = device,
            Parameters = Parameters,
            ParameterLabel = ParameterLabel,
            Outcome = Outcome,
            StartedAt = StartedAt,
            Shape = Shape,
            Implementation = Implementation,
            Precision = Precision,
            Threads = Threads,
            Cost = Cost,
            IterationSeconds = IterationSeconds,
            Latency = latency,
            Measurements = Measurements,
            Verification = Verification,
            Roofline = Cost is not null && latency is not null ? RooflineModel.Place(device, Precision, Cost, latency.Mean) : null,
            Error = Error,
        };
    }
}
