namespace AiProfiler.Telemetry.Hosting;

internal enum MetricKind
{
    Gauge,
    Counter,
}
