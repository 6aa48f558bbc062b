namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>Everything one scrape response shows, ready to be written in either format.</summary>
internal sealed record PrometheusExposition(
    IReadOnlyList<PrometheusMetricFamily> Families,
    IReadOnlyList<KeyValuePair<string, object>> ResourceAttributes,
    IReadOnlyList<DroppedSeries> DroppedSeries,
    int MaxSeriesPerMetric);
