using System.Diagnostics.Metrics;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Metrics;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// The verdicts of <c>Advise:Scenarios</c> as gauges labelled <c>scenario</c> and <c>device</c>:
/// <c>aiprofiler_advice_max_concurrency</c>, <c>aiprofiler_advice_predicted_ttft_seconds</c>,
/// <c>aiprofiler_advice_predicted_tpot_seconds</c>, tokens/s, goodput, whether the SLO is met, memory needed and
/// training step time. A scrape reads the cached advice; it never predicts more often than <see cref="ConfiguredAdvice.Refresh"/>.
/// </summary>
internal sealed class AdviceMetrics(ConfiguredAdvice advice) : IHostedService, IDisposable
{
    private readonly Meter _meter = new(ProfilerMetrics.MeterName);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Gauge("aiprofiler_advice_max_concurrency", null, "Largest number of concurrent requests that fit in memory and meet the scenario's SLO (0: none).", p => p.MaxConcurrency);
        Gauge("aiprofiler_advice_max_request_rate", null, "Largest request rate per second meeting the scenario's SLO.", p => p.MaxRequestRate);
        Gauge("aiprofiler_advice_predicted_ttft", "s", "Predicted time to first token at the scenario's load.", p => p.Ttft?.Value);
        Gauge("aiprofiler_advice_predicted_tpot", "s", "Predicted time per output token at the scenario's load.", p => p.Tpot?.Value);
        Gauge("aiprofiler_advice_predicted_tokens_per_second", null, "Predicted generated (or trained) tokens per second at the scenario's load.", p => p.TokensPerSecond?.Value);
        Gauge("aiprofiler_advice_goodput_requests_per_second", null, "Predicted requests per second completing within every SLO target.", p => p.Goodput?.Value);
        Gauge("aiprofiler_advice_predicted_step", "s", "Predicted optimizer step time (fine-tuning and training scenarios).", p => p.StepTime?.Value);
        Gauge("aiprofiler_advice_meets_slo", null, "1 when the device meets the scenario's SLO at its load, else 0.", p => p.MeetsSlo ? 1 : 0);
        Gauge("aiprofiler_advice_memory_required", "By", "Memory the scenario needs on the device: weights, KV cache, gradients, optimizer state, activations.", p => p.Memory.RequiredBytes);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _meter.Dispose();

    private void Gauge(string name, string? unit, string description, Func<DevicePrediction, double?> value) =>
        _meter.CreateObservableGauge(name, () => advice.Current.SelectMany(a => a.Predictions
            .Where(p => p.NotRunnable is null && value(p) is not null)
            .Select(p => new Measurement<double>(value(p)!.Value, new("scenario", a.Scenario.Name), new("device", p.DeviceId)))), unit, description);
}
