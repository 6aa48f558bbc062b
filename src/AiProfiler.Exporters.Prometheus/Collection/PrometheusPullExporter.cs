using System.Text;
using AiProfiler.Exporters.Prometheus.Serialization;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// Turns each collection the reader hands over into a <see cref="PrometheusScrapeSnapshot"/>; the batch is valid only
/// during <see cref="Export"/>, so the text is written there and then. Collections happen when a scrape asks (or on a
/// provider flush). The exporter is deliberately not marked <c>[ExportModes(ExportModes.Pull)]</c>: the SDK then
/// collects only inside a pull scope that its public API does not open, and the reader is internal, so it is never
/// handed to a periodic (push) reader anyway.
/// </summary>
internal sealed class PrometheusPullExporter : BaseExporter<Metric>
{
    private readonly PrometheusSeriesGuard _guard;
    private readonly StringBuilder _buffer = new(64 * 1024);
    private readonly Lock _gate = new();
    private IReadOnlyList<KeyValuePair<string, object>>? _resourceAttributes;
    private PrometheusScrapeSnapshot? _latest;

    public PrometheusPullExporter(PrometheusSeriesGuard guard)
    {
        _guard = guard;
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var metrics = new List<Metric>((int)Math.Min(batch.Count, 4096));
        foreach (var metric in batch)
        {
            metrics.Add(metric);
        }

        Volatile.Write(ref _latest, Serialize(metrics));
        return ExportResult.Success;
    }

    /// <summary>Hands over the snapshot of the latest collection, once.</summary>
    public PrometheusScrapeSnapshot? TakeLatest() => Interlocked.Exchange(ref _latest, null);

    /// <summary>Writes the given metrics in both formats.</summary>
    public PrometheusScrapeSnapshot Serialize(IReadOnlyList<Metric> metrics)
    {
        lock (_gate)
        {
            var families = PrometheusMetricFamily.Group(metrics, _guard.MaxSeriesPerMetric);
            var exposition = new PrometheusExposition(families, ResourceAttributes(), _guard.Observe(families), _guard.MaxSeriesPerMetric);
            return new PrometheusScrapeSnapshot(Render(exposition, PrometheusFormat.Text), Render(exposition, PrometheusFormat.OpenMetrics));
        }
    }

    private byte[] Render(PrometheusExposition exposition, PrometheusFormat format)
    {
        _buffer.Clear();
        PrometheusTextSerializer.Write(_buffer, exposition, format);
        return PrometheusTextSerializer.ToUtf8(_buffer);
    }

    // The resource is fixed once the provider is built; read it on the first collection that has one.
    private IReadOnlyList<KeyValuePair<string, object>> ResourceAttributes()
    {
        if (_resourceAttributes is not null)
        {
            return _resourceAttributes;
        }

        if (ParentProvider is null)
        {
            return [];
        }

        _resourceAttributes = [.. ParentProvider.GetResource().Attributes];
        return _resourceAttributes;
    }
}
