namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>One value as a sampler wrote it or a scrape saw it.</summary>
internal sealed record RecordedPoint(string Name, string? Unit, bool IsCounter, double Value, IReadOnlyDictionary<string, string> Labels)
{
    public bool Has(params (string Key, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
