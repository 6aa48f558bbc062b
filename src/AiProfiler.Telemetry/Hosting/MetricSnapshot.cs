using System.Diagnostics.Metrics;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>One sampler's latest values, immutable once published.</summary>
internal sealed class MetricSnapshot(IReadOnlyDictionary<string, Measurement<double>[]> points)
{
    public static MetricSnapshot Empty { get; } = new(new Dictionary<string, Measurement<double>[]>());

    public IReadOnlyDictionary<string, Measurement<double>[]> Points { get; } = points;
}
