using System.Diagnostics.Metrics;
using AiProfiler.Exporters.Prometheus.Serialization;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Collection;

public sealed class PrometheusSeriesGuardTests
{
    [Fact]
    public async Task Observe_MetricOverLimit_ShowsLimitAndCountsDistinctDroppedSeries()
    {
        using var harness = new MeterHarness(options: new PrometheusExporterOptions { ScrapeResponseCacheMilliseconds = 0, MaxSeriesPerMetric = 3 });
        var requests = harness.Meter.CreateCounter<long>("test_guarded", description: "Guarded.");
        var small = harness.Meter.CreateCounter<long>("test_small", description: "Under the limit.");
        for (var i = 0; i < 5; i++)
        {
            requests.Add(1, new KeyValuePair<string, object?>("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        small.Add(1);

        var first = await harness.ScrapeAsync(PrometheusFormat.Text);
        var again = await harness.ScrapeAsync(PrometheusFormat.Text);
        requests.Add(1, new KeyValuePair<string, object?>("id", "5"));
        var afterNewSeries = await harness.ScrapeAsync(PrometheusFormat.Text);

        Assert.Equal(3, first.Split('\n').Count(l => l.StartsWith("test_guarded_total{", StringComparison.Ordinal)));
        Assert.Contains("test_small_total 1\n", first, StringComparison.Ordinal);
        Assert.Contains("# TYPE aiprofiler_metrics_dropped_series_total counter\n", first, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_metrics_dropped_series_total{metric=\"test_guarded\"} 2\n", first, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_metrics_dropped_series_total{metric=\"test_guarded\"} 2\n", again, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_metrics_dropped_series_total{metric=\"test_guarded\"} 3\n", afterNewSeries, StringComparison.Ordinal);
        Assert.DoesNotContain("metric=\"test_small\"", afterNewSeries, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Observe_NothingOverLimit_WritesNoDroppedSeriesFamily()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateCounter<long>("test_quiet", description: "Quiet.").Add(1);

        var text = await harness.ScrapeAsync(PrometheusFormat.Text);

        Assert.DoesNotContain("aiprofiler_metrics_dropped_series", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Observe_HistogramOverLimit_DropsWholeSeriesWithAllTheirBuckets()
    {
        using var harness = new MeterHarness(options: new PrometheusExporterOptions { ScrapeResponseCacheMilliseconds = 0, MaxSeriesPerMetric = 1 });
        var duration = harness.Meter.CreateHistogram<double>("test_guarded_duration", "s", "Guarded histogram.");
        duration.Record(0.1, new KeyValuePair<string, object?>("device", "a"));
        duration.Record(0.2, new KeyValuePair<string, object?>("device", "b"));

        var openMetrics = await harness.ScrapeAsync(PrometheusFormat.OpenMetrics);

        Assert.Contains("test_guarded_duration_seconds_count{device=\"a\"} 1\n", openMetrics, StringComparison.Ordinal);
        Assert.DoesNotContain("device=\"b\"", openMetrics, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_metrics_dropped_series_total{metric=\"test_guarded_duration_seconds\"} 1\n", openMetrics, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_metrics_dropped_series_created{metric=\"test_guarded_duration_seconds\"} ", openMetrics, StringComparison.Ordinal);
    }
}
