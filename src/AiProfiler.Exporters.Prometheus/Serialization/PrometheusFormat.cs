namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>The two exposition formats a scrape can negotiate.</summary>
internal enum PrometheusFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>).</summary>
    Text,

    /// <summary>OpenMetrics 1.0 (<c>application/openmetrics-text; version=1.0.0</c>).</summary>
    OpenMetrics,
}
