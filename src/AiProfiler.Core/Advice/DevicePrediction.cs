namespace AiProfiler.Core.Advice;

/// <summary>The advice for one scenario on one device.</summary>
public sealed record DevicePrediction
{
    /// <summary>The device id.</summary>
    public required string DeviceId { get; init; }

    /// <summary>The device's name.</summary>
    public required string DeviceName { get; init; }

    /// <summary>Why the device cannot run the scenario at all (precision unsupported, no calibration); null when it can.</summary>
    public string? NotRunnable { get; init; }

    /// <summary>Memory needed against memory free.</summary>
    public required MemoryFit Memory { get; init; }

    /// <summary>Time to first token of one request at the chosen load (inference).</summary>
    public AdviceFigure? Ttft { get; init; }

    /// <summary>Time per output token at the chosen load (inference).</summary>
    public AdviceFigure? Tpot { get; init; }

    /// <summary>Generated tokens per second over all concurrent requests (inference) or trained tokens per second.</summary>
    public AdviceFigure? TokensPerSecond { get; init; }

    /// <summary>What limits decode (or the training step): <c>bandwidth</c>, <c>compute</c> or <c>memory</c> (does not fit).</summary>
    public string Bound { get; init; } = "";

    /// <summary>The concurrency the figures are for: the user's, or the largest meeting the SLO.</summary>
    public int Concurrency { get; init; }

    /// <summary>The largest number of concurrent requests that fits in memory and meets the SLO; 0 when none does.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>The largest request rate (per second) meeting the SLO at <see cref="MaxConcurrency"/>.</summary>
    public double MaxRequestRate { get; init; }

    /// <summary>Requests per second that complete within every SLO target (vLLM <c>--goodput</c>, AIPerf), at the scenario's load.</summary>
    public AdviceFigure? Goodput { get; init; }

    /// <summary>One optimizer step's time (fine-tuning and training).</summary>
    public AdviceFigure? StepTime { get; init; }

    /// <summary>Whether the scenario's SLO (inference) is met at its load.</summary>
    public bool MeetsSlo { get; init; }

    /// <summary>The calibration the predictions rest on, e.g. <c>cpu calibrated 2026-12-03T17:50Z: fp32 452 GFLOP/s, triad 21.3 GB/s</c>.</summary>
    public string CalibrationBasis { get; init; } = "";

    /// <summary>Predictions against real runs, when validated.</summary>
    public IReadOnlyList<ValidationComparison> Validation { get; init; } = [];
}
