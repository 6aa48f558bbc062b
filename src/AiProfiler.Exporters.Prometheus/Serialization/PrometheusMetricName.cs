namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>
/// How one metric is named in the exposition. <see cref="BaseName"/> is the OpenMetrics family name (for a counter,
/// without <c>_total</c>); <see cref="UnitWord"/> is the <c># UNIT</c> OpenMetrics announces, when the unit is known.
/// </summary>
internal sealed record PrometheusMetricName(string BaseName, PrometheusMetricKind Kind, string? UnitWord)
{
    /// <summary>The name of the plain sample: <c>x_total</c> for a counter, the base name otherwise.</summary>
    public string SampleName { get; } = Kind == PrometheusMetricKind.Counter ? BaseName + "_total" : BaseName;

    /// <summary>The family name a format's <c># TYPE</c> and <c># HELP</c> lines use.</summary>
    public string FamilyName(PrometheusFormat format) => format == PrometheusFormat.OpenMetrics ? BaseName : SampleName;
}
