using AiProfiler.Exporters.Prometheus.Serialization;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests;

public sealed class RunDurationBucketsTests
{
    [Fact]
    public void Seconds_SpanMicrosecondsToTenMinutesAscending()
    {
        var bounds = RunDurationBuckets.Seconds;

        Assert.Equal(1e-6, bounds[0]);
        Assert.Equal(600, bounds[^1]);
        Assert.All(bounds.Zip(bounds.Skip(1)), pair => Assert.True(pair.First < pair.Second));
    }

    [Fact]
    public async Task AddRunDurationBuckets_RunDurationHistogram_ExposesTheBucketsAsLeLabels()
    {
        using var harness = new MeterHarness(metrics => metrics.AddRunDurationBuckets());
        harness.Meter.CreateHistogram<double>(RunDurationBuckets.InstrumentName, "s", "Duration of one workload run.").Record(0.0000032);

        var text = await harness.ScrapeAsync(PrometheusFormat.Text);

        string[] bucketBounds = [.. text.Split('\n')
            .Where(l => l.StartsWith("aiprofiler_run_duration_seconds_bucket{", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.IndexOf("\"}", StringComparison.Ordinal)])];
        Assert.Equal(
            ["1e-06", "2.5e-06", "5e-06", "1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "25", "50", "100", "300", "600", "+Inf"],
            bucketBounds);
        Assert.Contains("aiprofiler_run_duration_seconds_bucket{le=\"2.5e-06\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_run_duration_seconds_bucket{le=\"5e-06\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Seconds_ReturnsACopy()
    {
        RunDurationBuckets.Seconds[0] = 42;

        Assert.Equal(1e-6, RunDurationBuckets.Seconds[0]);
    }
}
