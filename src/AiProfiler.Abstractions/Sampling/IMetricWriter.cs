namespace AiProfiler.Abstractions.Sampling;

/// <summary>
/// Receives one collection's values. Names follow Prometheus conventions and are given without the
/// <c>aiprofiler_</c> prefix and without unit or <c>_total</c> suffixes (e.g. <c>gpu_power</c> with unit <c>W</c>
/// becomes <c>aiprofiler_gpu_power_watts</c>). Units are UCUM codes as in OpenTelemetry: s, By, W, J, Cel, Hz, 1 (a
/// ratio 0–1), By/s, or empty for a plain count. A name must keep one unit, kind and label set for the life of the host.
/// </summary>
public interface IMetricWriter
{
    /// <summary>A value that can go up and down.</summary>
    void Gauge(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels);

    /// <summary>A monotonically increasing cumulative value (CPU seconds, energy in joules).</summary>
    void Counter(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels);
}
