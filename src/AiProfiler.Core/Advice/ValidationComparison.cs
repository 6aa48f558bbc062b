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
}
