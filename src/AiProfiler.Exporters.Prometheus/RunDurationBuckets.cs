using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>
/// Histogram buckets for workload run durations, which range from microseconds (one small kernel) to minutes (a
/// fine-tuning step on a CPU): 1, 2.5 and 5 per decade from 1 µs to 50 s, then 100 s, 300 s and 600 s. The SDK's
/// default buckets (0 to 10000, meant for milliseconds) would put every sub-millisecond run in one bucket.
/// </summary>
public static class RunDurationBuckets
{
    /// <summary>The instrument the buckets are meant for: run durations in seconds.</summary>
    public const string InstrumentName = "aiprofiler_run_duration";

    // Written out rather than computed, so every bound is the exact decimal a dashboard shows as le="...".
    private static readonly double[] Bounds =
    [
        0.000001, 0.0000025, 0.000005,
        0.00001, 0.000025, 0.00005,
        0.0001, 0.00025, 0.0005,
        0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05,
        0.1, 0.25, 0.5,
        1, 2.5, 5,
        10, 25, 50,
        100, 300, 600,
    ];

    /// <summary>The upper bounds in seconds, ascending (a copy; the +Inf bucket is implicit).</summary>
    public static double[] Seconds => (double[])Bounds.Clone();

    /// <summary>Applies <see cref="Seconds"/> to the histogram instrument <paramref name="instrumentName"/> with a view.</summary>
    public static MeterProviderBuilder AddRunDurationBuckets(this MeterProviderBuilder builder, string instrumentName = InstrumentName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(instrumentName);
        return builder.AddView(instrumentName, new ExplicitBucketHistogramConfiguration { Boundaries = Seconds });
    }
}
