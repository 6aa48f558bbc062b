using System.Diagnostics.Metrics;
using AiProfiler.Exporters.Prometheus.Serialization;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Serialization;

/// <summary>
/// Snapshot tests: real instruments through the OpenTelemetry SDK and the pull reader, compared with the expected
/// expositions in Snapshots/ (one .txt for text 0.0.4 and one .om.txt for OpenMetrics per case).
/// </summary>
public sealed class PrometheusTextSerializerTests
{
    [Fact]
    public async Task Write_Counters_ExposeTotalsWithUnitSuffixAndCreated()
    {
        using var harness = new MeterHarness();
        var runs = harness.Meter.CreateCounter<long>("test_runs", "{run}", "Workload runs finished.");
        var cpu = harness.Meter.CreateCounter<double>("test_host_cpu", "s", "CPU time used by the host.");
        runs.Add(3, new KeyValuePair<string, object?>("workload", "gemm"), new KeyValuePair<string, object?>("device", "cpu0"));
        runs.Add(1, new KeyValuePair<string, object?>("workload", "attention"), new KeyValuePair<string, object?>("device", "cpu0"));
        cpu.Add(12.5);

        await AssertSnapshotsAsync(harness, "Counter");
    }

    [Fact]
    public async Task Write_UpDownCounter_ExposesGaugeWithoutTotal()
    {
        using var harness = new MeterHarness();
        var queued = harness.Meter.CreateUpDownCounter<long>("test_queued_runs", "{run}", "Runs waiting for a device.");
        var memory = harness.Meter.CreateUpDownCounter<double>("test_reserved_memory", "By", "Device memory reserved by workloads.");
        queued.Add(5);
        queued.Add(-2);
        memory.Add(1.5e9, new KeyValuePair<string, object?>("device", "gpu0"));

        await AssertSnapshotsAsync(harness, "UpDownCounter");
    }

    [Fact]
    public async Task Write_Gauges_ExposeLastValueAndRatioSuffix()
    {
        using var harness = new MeterHarness();
        var power = harness.Meter.CreateGauge<double>("test_gpu_power", "W", "Board power draw.");
        var clock = harness.Meter.CreateGauge<long>("test_gpu_clock", "Hz", "SM clock.");
        power.Record(250.5, new KeyValuePair<string, object?>("gpu", "0"));
        power.Record(180, new KeyValuePair<string, object?>("gpu", "0"));
        clock.Record(1_410_000_000);
        harness.Meter.CreateObservableGauge("test_gpu_utilization", () => new Measurement<double>(0.75, new KeyValuePair<string, object?>("gpu", "0")), "1", "Fraction of time a kernel ran.");
        harness.Meter.CreateObservableGauge("test_gpu_temperature", () => 61L, "Cel", "GPU core temperature.");

        await AssertSnapshotsAsync(harness, "Gauge");
    }

    [Fact]
    public async Task Write_ObservableCounters_ExposeCounterAndGaugeFamilies()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateObservableCounter("test_gpu_energy", () => 5400.25, "J", "Energy used since the driver loaded.");
        harness.Meter.CreateObservableCounter(
            "test_bytes_read",
            () => new[]
            {
                new Measurement<long>(4096, new KeyValuePair<string, object?>("disk", "sda")),
                new Measurement<long>(512, new KeyValuePair<string, object?>("disk", "sdb")),
            },
            "By",
            "Bytes read from disk.");
        harness.Meter.CreateObservableUpDownCounter("test_loaded_plugins", () => 4, "{plugin}", "Plugins currently loaded.");

        await AssertSnapshotsAsync(harness, "ObservableCounter");
    }

    [Fact]
    public async Task Write_Histogram_ExposesCumulativeBucketsSumCountAndInf()
    {
        using var harness = new MeterHarness(b => b.AddView("test_step_duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.001, 0.01, 0.1, 1] }));
        var duration = harness.Meter.CreateHistogram<double>("test_step_duration", "s", "Time of one training step.");
        var cpu = new KeyValuePair<string, object?>("device", "cpu0");
        foreach (var seconds in new[] { 0.0005, 0.002, 0.003, 0.05, 0.5, 2, 30 })
        {
            duration.Record(seconds, cpu);
        }

        duration.Record(0.004, new KeyValuePair<string, object?>("device", "gpu0"));

        await AssertSnapshotsAsync(harness, "Histogram");
    }

    [Fact]
    public async Task Write_SpecialValues_WritesNaNAndSignedInfinity()
    {
        using var harness = new MeterHarness();
        harness.Meter.CreateObservableGauge(
            "test_special",
            () => new[]
            {
                new Measurement<double>(double.NaN, new KeyValuePair<string, object?>("case", "nan")),
                new Measurement<double>(double.PositiveInfinity, new KeyValuePair<string, object?>("case", "plus_inf")),
                new Measurement<double>(double.NegativeInfinity, new KeyValuePair<string, object?>("case", "minus_inf")),
                new Measurement<double>(1e-7, new KeyValuePair<string, object?>("case", "tiny")),
                new Measurement<double>(123456.789, new KeyValuePair<string, object?>("case", "plain")),
                new Measurement<double>(1.7e9, new KeyValuePair<string, object?>("case", "large")),
                new Measurement<double>(-0.25, new KeyValuePair<string, object?>("case", "negative")),
            },
            description: "Values a gauge can take.");

        await AssertSnapshotsAsync(harness, "SpecialValues");
    }

    [Fact]
    public async Task Write_EscapingAndLabelNames_EscapesValuesAndSanitisesKeys()
    {
        using var harness = new MeterHarness();
        var events = harness.Meter.CreateCounter<long>("test.escape-events", description: "Help with a \\ backslash,\na newline and \"quotes\".");
        events.Add(
            1,
            new KeyValuePair<string, object?>("path", "C:\\models\\llama"),
            new KeyValuePair<string, object?>("quote", "say \"hi\""),
            new KeyValuePair<string, object?>("multi", "line1\nline2"),
            new KeyValuePair<string, object?>("http.method", "GET"),
            new KeyValuePair<string, object?>("0day", "yes"),
            new KeyValuePair<string, object?>("__reserved", "x"));
        events.Add(
            2,
            new KeyValuePair<string, object?>("a.b", "dotted"),
            new KeyValuePair<string, object?>("a_b", "underscored"),
            new KeyValuePair<string, object?>("flag", true),
            new KeyValuePair<string, object?>("ratio", 0.5),
            new KeyValuePair<string, object?>("sizes", new long[] { 1, 2 }));

        await AssertSnapshotsAsync(harness, "Escaping");
    }

    [Fact]
    public async Task Write_UnitMapping_AppendsUnitWordsOnce()
    {
        using var harness = new MeterHarness();
        var meter = harness.Meter;
        meter.CreateObservableGauge("test_vram_used", () => 1024L, "By", "VRAM in use.");
        meter.CreateObservableGauge("test_memory_bandwidth", () => 2.5e11, "By/s", "Memory bandwidth achieved.");
        meter.CreateObservableGauge("test_achieved", () => 1.2e12, "FLOP/s", "Compute throughput achieved.");
        meter.CreateObservableGauge("test_latency", () => 3.5, "ms", "A latency in milliseconds.");
        meter.CreateObservableGauge("test_tokens_rate", () => 42.0, "{token}/s", "Tokens per second.");
        meter.CreateObservableGauge("test_uptime_seconds", () => 60.0, "s", "Name that already ends with its unit.");
        meter.CreateObservableCounter("test_scrapes_total", () => 7L, "{scrape}", "Counter named with _total.");
        meter.CreateObservableCounter("test_kernel_time_seconds_total", () => 1.5, "s", "Counter named with unit and _total.");
        meter.CreateObservableCounter("test_completions", () => 9L, "1", "A count with unit 1: no ratio suffix.");

        await AssertSnapshotsAsync(harness, "UnitMapping");
    }

    [Fact]
    public async Task Write_ResourceAttributes_ExposedAsTargetInfo()
    {
        var resource = ResourceBuilder.CreateEmpty()
            .AddService("aiprofiler", serviceVersion: "0.1.0", autoGenerateServiceInstanceId: false)
            .AddAttributes([new KeyValuePair<string, object>("host.name", "node-1"), new KeyValuePair<string, object>("deployment.environment", "lab \"A\"")]);
        using var harness = new MeterHarness(resource: resource);
        harness.Meter.CreateCounter<long>("test_started", description: "Starts.").Add(1);

        await AssertSnapshotsAsync(harness, "TargetInfo");
    }

    [Fact]
    public async Task Write_OpenMetricsCreated_IsTheProviderStartTimeInSeconds()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        using var harness = new MeterHarness();
        harness.Meter.CreateCounter<long>("test_created_check", description: "Created check.").Add(1);

        var openMetrics = await harness.ScrapeAsync(PrometheusFormat.OpenMetrics);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        var line = openMetrics.Split('\n').Single(l => l.StartsWith("test_created_check_created ", StringComparison.Ordinal));
        var created = double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, before - 1, after + 1);
    }

    [Fact]
    public async Task Write_SameNameOnTwoMeters_MergesIntoOneFamily()
    {
        using var harness = new MeterHarness(b => b.AddMeter("AiProfiler.Tests.Second." + nameof(Write_SameNameOnTwoMeters_MergesIntoOneFamily)));
        using var second = new Meter("AiProfiler.Tests.Second." + nameof(Write_SameNameOnTwoMeters_MergesIntoOneFamily));
        harness.Meter.CreateCounter<long>("test_shared", description: "Shared.").Add(1, new KeyValuePair<string, object?>("meter", "first"));
        second.CreateCounter<long>("test_shared", description: "Shared.").Add(2, new KeyValuePair<string, object?>("meter", "second"));

        var text = await harness.ScrapeAsync(PrometheusFormat.Text);

        Assert.Equal(1, text.Split('\n').Count(l => l == "# TYPE test_shared_total counter"));
        Assert.Contains("test_shared_total{meter=\"first\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("test_shared_total{meter=\"second\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_NoInstruments_OpenMetricsStillEndsWithEof()
    {
        using var harness = new MeterHarness();

        Assert.Equal("# EOF\n", await harness.ScrapeAsync(PrometheusFormat.OpenMetrics));
        Assert.Equal(string.Empty, await harness.ScrapeAsync(PrometheusFormat.Text));
    }

    private static async Task AssertSnapshotsAsync(MeterHarness harness, string name)
    {
        Snapshot.Matches(name + ".txt", await harness.ScrapeAsync(PrometheusFormat.Text));
        Snapshot.Matches(name + ".om.txt", Snapshot.NormalizeCreated(await harness.ScrapeAsync(PrometheusFormat.OpenMetrics)));
    }
}
