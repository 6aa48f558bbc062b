using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>An <see cref="IMetricWriter"/> that keeps what a sampler wrote.</summary>
internal sealed class RecordingWriter : IMetricWriter
{
    public List<RecordedPoint> Points { get; } = [];

    public void Gauge(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels) =>
        Points.Add(new RecordedPoint(name, unit, false, value, labels.ToArray().ToDictionary(l => l.Key, l => l.Value)));

    public void Counter(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels) =>
        Points.Add(new RecordedPoint(name, unit, true, value, labels.ToArray().ToDictionary(l => l.Key, l => l.Value)));

    public IEnumerable<RecordedPoint> Named(string name) => Points.Where(p => p.Name == name);

    /// <summary>The single value of <paramref name="name"/> with these labels; fails when there is none or more than one.</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        Assert.Single(Points, p => p.Name == name && p.Has(labels)).Value;
}
