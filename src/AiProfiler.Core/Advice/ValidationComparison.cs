namespace AiProfiler.Core.Advice;

/// <summary>A prediction next to the real run's measurement (<c>advise --validate</c>).</summary>
/// <param name="Metric">ttft_seconds, tpot_seconds, tokens_per_second or step_seconds.</param>
/// <param name="Predicted">The predicted value.</param>
/// <param name="Measured">The measured value.</param>
/// <param name="Run">The run it was measured in, e.g. <c>inference preset=medium batch=1 prompt=512 gen=32</c>.</param>
public sealed record ValidationComparison(string Metric, double Predicted, double Measured, string Run)
{
    /// <summary>(predicted − measured) / measured: +0.10 means the prediction was 10 % too high.</summary>
    public double RelativeError => Measured != 0 ? (Predicted - Measured) / Measured : double.NaN;

    /// <summary>
    /// The same run predicted from the ceilings measured again just before and just after it (the rates the model uses,
    /// not its fixed costs), or null when they were not. Against <see cref="Predicted"/> it separates the model's error
    /// from the machine's drift since calibration.
    /// </summary>
    public double? PredictedNow { get; init; }

    /// <summary>The re-measured ceilings <see cref="PredictedNow"/> used, e.g. <c>cpu re-measured ...: GEMM 205 GFLOP/s, decode 48 GB/s</c>.</summary>
    public string? NowBasis { get; init; }

    /// <summary>(<see cref="PredictedNow"/> − measured) / measured, or null.</summary>
    public double? RelativeErrorNow => PredictedNow is { } now && Measured != 0 ? (now - Measured) / Measured : null;
}
