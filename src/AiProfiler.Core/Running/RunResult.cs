using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Core.Roofline;

namespace AiProfiler.Core.Running;

/// <summary>
/// The immutable outcome of one run: what ran where, the timings, the derived rates and the roofline placement.
/// Exporters and reports only read it; nothing downstream times anything.
/// </summary>
public sealed record RunResult
{
    /// <summary>Host threads the run used on a device that runs on them (the CPU); null on accelerators.</summary>
    public int? Threads { get; init; }

    /// <summary>The workload's name.</summary>
    public required string Workload { get; init; }

    /// <summary>The device it ran on.</summary>
    public required DeviceInfo Device { get; init; }

    /// <summary>The canonical parameter set, <c>name=value,...</c>.</summary>
    public required string Parameters { get; init; }

    /// <summary>The parameters that differ from the defaults (or <c>defaults</c>): the <c>params</c> metric label.</summary>
    public string ParameterLabel { get; init; } = "defaults";

    /// <summary>How it ended.</summary>
    public required RunOutcome Outcome { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>A short shape for tables.</summary>
    public string Shape { get; init; } = "";

    /// <summary>The implementation doing the heavy lifting (simd, openblas, clblast, tiled-kernel, cublas).</summary>
    public string Implementation { get; init; } = "";

    /// <summary>The precision whose peak the roofline uses.</summary>
    public DataType Precision { get; init; } = DataType.Float32;

    /// <summary>The analytic cost per iteration; null when the run did not get that far.</summary>
    public WorkloadCost? Cost { get; init; }

    /// <summary>Seconds of each timed iteration, in order.</summary>
    public IReadOnlyList<double> IterationSeconds { get; init; } = [];

    /// <summary>Statistics over <see cref="IterationSeconds"/>.</summary>
    public RunStatistics? Latency { get; init; }

    /// <summary>Workload-specific measurements (ttft_seconds, tpot_seconds, loss) summarized over the timed iterations.</summary>
    public IReadOnlyDictionary<string, RunStatistics> Measurements { get; init; } = new Dictionary<string, RunStatistics>();

    /// <summary>The verification outcome, when verified.</summary>
    public VerificationResult? Verification { get; init; }

    /// <summary>The roofline placement from the mean iteration time.</summary>
    public RooflinePoint? Roofline { get; init; }

    /// <summary>Why it failed or was refused.</summary>
    public string? Error { get; init; }

    /// <summary>Achieved FLOP/s at the mean iteration time.</summary>
    public double FlopsPerSecond => Rate(Cost?.Flops);

    /// <summary>Achieved bytes/s at the mean iteration time.</summary>
    public double BytesPerSecond => Rate(Cost?.Bytes);

    /// <summary>Achieved items/s at the mean iteration time.</summary>
    public double ItemsPerSecond => Rate(Cost?.Items);

    /// <summary>FLOPs per byte.</summary>
    public double ArithmeticIntensity => Cost?.ArithmeticIntensity ?? 0;

    /// <summary>True when measured (verified or not).</summary>
    public bool Measured => Outcome is RunOutcome.Passed or RunOutcome.VerificationFailed;

    private double Rate(double? amount) =>
        amount is { } a && Latency is { Mean: > 0 } l ? a / l.Mean : 0;
}
