namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>The Prometheus type an OpenTelemetry metric is exposed as.</summary>
internal enum PrometheusMetricKind
{
    /// <summary>A monotonic sum (Counter, ObservableCounter): samples end in <c>_total</c>.</summary>
    Counter,

    /// <summary>A gauge, or a non-monotonic sum (UpDownCounter), which Prometheus can only show as a gauge.</summary>
    Gauge,

    /// <summary>An explicit-bucket histogram: <c>_bucket{le}</c>, <c>_sum</c>, <c>_count</c>.</summary>
    Histogram,
}
