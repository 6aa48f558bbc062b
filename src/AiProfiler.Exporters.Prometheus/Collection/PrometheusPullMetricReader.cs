using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// The metric reader added to the MeterProvider: cumulative temporality (what Prometheus expects), collections only
/// on demand, through <see cref="Cache"/>.
/// </summary>
internal sealed class PrometheusPullMetricReader : BaseExportingMetricReader
{
    private readonly PrometheusPullExporter _pullExporter;

    public PrometheusPullMetricReader(PrometheusExporterOptions options, TimeProvider timeProvider)
        : this(new PrometheusPullExporter(new PrometheusSeriesGuard(options.MaxSeriesPerMetric, timeProvider)), options, timeProvider)
    {
    }

    private PrometheusPullMetricReader(PrometheusPullExporter exporter, PrometheusExporterOptions options, TimeProvider timeProvider)
        : base(exporter)
    {
        _pullExporter = exporter;
        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
        Cache = new PrometheusScrapeCache(CollectSnapshot, TimeSpan.FromMilliseconds(options.ScrapeResponseCacheMilliseconds), timeProvider);
    }

    /// <summary>Where scrapes get their responses.</summary>
    public PrometheusScrapeCache Cache { get; }

    private PrometheusScrapeSnapshot CollectSnapshot()
    {
        _pullExporter.TakeLatest();
        if (!Collect())
        {
            throw new InvalidOperationException("The MeterProvider did not collect: it is not built yet, or it has been disposed.");
        }

        // The SDK skips the export when no instrument is enabled; the scrape still gets target_info.
        return _pullExporter.TakeLatest() ?? _pullExporter.Serialize([]);
    }
}
