using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Settings of the Prometheus pull exporter and its scraping endpoint.</summary>
public sealed class PrometheusExporterOptions
{
    /// <summary>The default of <see cref="ScrapeResponseCacheMilliseconds"/>.</summary>
    public const int DefaultScrapeResponseCacheMilliseconds = 250;

    /// <summary>The default of <see cref="MaxSeriesPerMetric"/>.</summary>
    public const int DefaultMaxSeriesPerMetric = 1000;

    /// <summary>
    /// How long one collection answers scrapes, in milliseconds (default 250). Scrapes within this time of the last
    /// collection get its response; scrapes during a collection share it (or, while the previous response is less than
    /// twice this old, get that one without waiting). 0 collects for every scrape that does not overlap a running
    /// collection.
    /// </summary>
    [Range(0, 60_000, ErrorMessage = "{0} must be between {1} and {2} milliseconds; a few hundred keeps /metrics cheap under load.")]
    public int ScrapeResponseCacheMilliseconds { get; set; } = DefaultScrapeResponseCacheMilliseconds;

    /// <summary>
    /// The most series one metric shows (default 1000); the series over it are left out and counted in
    /// <c>aiprofiler_metrics_dropped_series_total{metric}</c>. The OpenTelemetry SDK's own limit (2000 per metric
    /// unless a view sets another) applies before this one.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "{0} must be between {1} and {2}; it bounds the series one metric may show.")]
    public int MaxSeriesPerMetric { get; set; } = DefaultMaxSeriesPerMetric;
}
