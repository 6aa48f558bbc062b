using System.Diagnostics.Metrics;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>All points one collection wrote under one metric name.</summary>
internal sealed class MetricSeries(string name, string unit, string description, MetricKind kind)
{
    public string Name { get; } = name;

    public string Unit { get; } = unit;

    public string Description { get; } = description;

    public MetricKind Kind { get; } = kind;

    public List<Measurement<double>> Points { get; } = [];
}
