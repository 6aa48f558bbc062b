using System.Diagnostics.Metrics;
using AiProfiler.Core.Metrics;

namespace AiProfiler.Core.Advice;

/// <summary>
/// The verdicts of the configured scenarios as gauges labelled <c>{scenario,device}</c>:
/// <c>aiprofiler_advice_max_concurrency</c>, <c>aiprofiler_advice_max_request_rate</c>,
/// <c>aiprofiler_advice_predicted_ttft_seconds</c>, <c>aiprofiler_advice_predicted_tpot_seconds</c>,
/// <c>aiprofiler_advice_goodput</c> (requests/s), <c>aiprofiler_advice_predicted_step_seconds</c> and
/// <c>aiprofiler_advice_memory_fit</c> (1 or 0).
/// </summary>
public sealed class AdviceMetrics : IDisposable
{
    private readonly Meter _meter;

    /// <summary>Creates the gauges over <paramref name="board"/>.</summary>
    public AdviceMetrics(AdviceBoard board, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        _meter = meterFactory?.Create(ProfilerMetrics.MeterName) ?? new Meter(ProfilerMetrics.MeterName);
        IEnumerable<Measurement<double>> Each(Func<DevicePrediction, double?> value) =>
            (board.Latest?.Scenarios ?? []).SelectMany(s => s.Predictions
                .Where(p => p.NotRunnable is null && value(p) is not null)
                .Select(p => new Measurement<double>(value(p)!.Value, new KeyValuePair<string, object?>("scenario", s.Scenario.Name), new KeyValuePair<string, object?>("device", p.DeviceId))));

        _meter.CreateObservableGauge("aiprofiler_advice_max_concurrency", () => Each(p => p.StepTime is null ? p.MaxConcurrency : null), null,
            "Largest number of concurrent requests the device serves within the scenario's SLO (predicted from the calibration).");
        _meter.CreateObservableGauge("aiprofiler_advice_max_request_rate", () => Each(p => p.Ttft is null ? null : p.MaxRequestRate), null,
            "Largest request rate per second the device serves within the scenario's SLO.");
        _meter.CreateObservableGauge("aiprofiler_advice_goodput", () => Each(p => p.Goodput?.Value), null,
            "Requests per second completing within every SLO target at the scenario's load (vLLM/AIPerf goodput).");
        _meter.CreateObservableGauge("aiprofiler_advice_predicted_ttft", () => Each(p => p.Ttft?.Value), "s",
            "Predicted time to first token at the scenario's load.");
        _meter.CreateObservableGauge("aiprofiler_advice_predicted_tpot", () => Each(p => p.Tpot?.Value), "s",
            "Predicted time per output token at the scenario's load.");
        _meter.CreateObservableGauge("aiprofiler_advice_predicted_step", () => Each(p => p.StepTime?.Value), "s",
            "Predicted optimizer step time of a fine-tuning or training scenario.");
        _meter.CreateObservableGauge("aiprofiler_advice_memory_fit", () => Each(p => p.Memory.Fits ? 1 : 0), null,
            "1 when the scenario's weights, KV cache (or gradients, optimizer state and activations) fit in the device's free memory.");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
