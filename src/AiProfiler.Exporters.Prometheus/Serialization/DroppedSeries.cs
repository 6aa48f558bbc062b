namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>How many series of one metric family the series limit has kept out so far, and since when.</summary>
internal sealed record DroppedSeries(string MetricName, long Count, DateTimeOffset FirstDroppedAt);
