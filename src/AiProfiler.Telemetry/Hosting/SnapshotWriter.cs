using System.Diagnostics.Metrics;
using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>
/// Buffers one collection's values; the host publishes them as the sampler's latest snapshot only when the collection
/// finishes, so a scrape never sees half a collection.
/// </summary>
internal sealed class SnapshotWriter : IMetricWriter
{
    private readonly Dictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, MetricSeries> Series => _series;

    /// <summary>Names written in this collection with a unit or kind other than their first write in it.</summary>
    public List<string> Conflicts { get; } = [];

    public void Gauge(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels) =>
        Add(MetricKind.Gauge, name, unit, description, value, labels);

    public void Counter(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels) =>
        Add(MetricKind.Counter, name, unit, description, value, labels);

    private void Add(MetricKind kind, string name, string unit, string description, double value, ReadOnlySpan<KeyValuePair<string, string>> labels)
    {
        unit ??= string.Empty;
        if (!_series.TryGetValue(name, out var series))
        {
            series = new MetricSeries(name, unit, description ?? string.Empty, kind);
            _series.Add(name, series);
        }
        else if (series.Kind != kind || series.Unit != unit)
        {
            if (!Conflicts.Contains(name))
            {
                Conflicts.Add(name);
            }

            return;
        }

        var tags = new KeyValuePair<string, object?>[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(labels[i].Key, labels[i].Value);
        }

        series.Points.Add(new Measurement<double>(value, tags));
    }
}
