using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Sampling;
using AiProfiler.Telemetry.Nvml;
using AiProfiler.Telemetry.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AiProfiler.Telemetry.Tests.Hosting;

public sealed class SamplerHostTests
{
    [Fact]
    public void StartSamplers_NvmlLibraryAbsent_LogsUnavailableOnceAndReportsSuccessZero()
    {
        if (NativeLibrary.TryLoad(NvmlLibrary.DefaultCandidates[0], out var driver))
        {
            // The first NVML library loaded serves the whole process, so an absent name cannot be shown next to a real one.
            NativeLibrary.Free(driver);
            Assert.Skip("the NVIDIA driver is installed here, so the absent-library path cannot be shown");
        }

        var nvml = new NvmlSampler(() => NvmlNativeApi.Open(["libnvidia-ml-absent.so.1"]), Fixtures.ProcRoot, new CapturingLogger());
        using var harness = new HostHarness([nvml]);

        harness.Host.StartSamplers();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0, harness.Tick(1));
        }

        var line = Assert.Single(harness.Logger.Messages);
        Assert.Equal("sampler nvml unavailable: libnvidia-ml-absent.so.1 not found (no NVIDIA driver)", line);
        var scrape = harness.Scrape();
        var success = Assert.Single(scrape, p => p.Name == "aiprofiler_sampler_success");
        Assert.Equal(0, success.Value);
        Assert.True(success.Has(("sampler", "nvml")));
        Assert.DoesNotContain(scrape, p => p.Name == "aiprofiler_sampler_duration");
    }

    [Fact]
    public void CollectDue_SamplersWithDifferentIntervals_CollectsEachOnItsOwn()
    {
        var fast = new DelegateSampler("fast", w => w.Gauge("fast_value", string.Empty, "test", 1));
        var slow = new DelegateSampler("slow", w => w.Gauge("slow_value", string.Empty, "test", 1));
        using var harness = new HostHarness([fast, slow], new()
        {
            ["Samplers:fast:IntervalSeconds"] = "0.5",
            ["Samplers:slow:IntervalSeconds"] = "2",
        });

        harness.Host.StartSamplers();
        harness.Host.CollectDue();
        for (var i = 0; i < 8; i++)
        {
            harness.Tick(0.5);
        }

        Assert.Equal(9, fast.Collections);
        Assert.Equal(3, slow.Collections);
    }

    [Fact]
    public void CollectDue_AfterAStall_DoesNotCatchUpWithABurst()
    {
        var sampler = new DelegateSampler("s", _ => { });
        using var harness = new HostHarness([sampler]);

        harness.Host.StartSamplers();
        harness.Host.CollectDue();
        harness.Tick(10);
        harness.Tick(0.5);

        Assert.Equal(2, sampler.Collections);
    }

    [Fact]
    public void CollectDue_CollectionTakesTime_ReportsItsDurationAndSuccess()
    {
        FakeTimeProvider? clock = null;
        var sampler = new DelegateSampler("slowpoke", _ => clock!.Advance(TimeSpan.FromMilliseconds(250)));
        using var harness = new HostHarness([sampler]);
        clock = harness.Time;

        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        var scrape = harness.Scrape();
        var duration = Assert.Single(scrape, p => p.Name == "aiprofiler_sampler_duration");
        FloatAssert.Relative(0.25, duration.Value);
        Assert.Equal("s", duration.Unit);
        Assert.True(duration.Has(("sampler", "slowpoke")));
        Assert.Equal(1, Assert.Single(scrape, p => p.Name == "aiprofiler_sampler_success").Value);
    }

    [Fact]
    public void Scrape_AfterCollection_ReadsLatestValuesWithoutCollecting()
    {
        var value = 0;
        var sampler = new DelegateSampler("counting", w => w.Counter("things", string.Empty, "test", ++value, Label.Of("kind", "a")));
        using var harness = new HostHarness([sampler]);
        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        var first = harness.Scrape();
        var second = harness.Scrape();

        Assert.Equal(1, sampler.Collections);
        var point = Assert.Single(first, p => p.Name == "aiprofiler_things");
        Assert.True(point.IsCounter);
        Assert.True(point.Has(("kind", "a")));
        Assert.Equal(1, point.Value);
        Assert.Equal(1, Assert.Single(second, p => p.Name == "aiprofiler_things").Value);
    }

    [Fact]
    public void Scrape_Instruments_CarryPrefixAndWriterUnit()
    {
        var sampler = new DelegateSampler("s", w =>
        {
            w.Gauge("gpu_power", "W", "power", 123.5);
            w.Gauge("plain_count", string.Empty, "count", 3);
        });
        using var harness = new HostHarness([sampler]);
        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        var scrape = harness.Scrape();

        Assert.Equal("W", Assert.Single(scrape, p => p.Name == "aiprofiler_gpu_power").Unit);
        Assert.Null(Assert.Single(scrape, p => p.Name == "aiprofiler_plain_count").Unit);
    }

    [Fact]
    public void Collect_SamplerHangs_TheOthersKeepTheirCadenceAndItFailsUntilTheCallReturns()
    {
        using var release = new ManualResetEventSlim();
        var first = true;
        var stuck = new DelegateSampler("stuck", w =>
        {
            if (first)
            {
                first = false;
                release.Wait(TimeSpan.FromSeconds(60));
            }

            w.Gauge("stuck_value", string.Empty, "test", 3);
        });
        var healthy = new DelegateSampler("healthy", w => w.Gauge("healthy_value", string.Empty, "test", 1));
        using var harness = new HostHarness([stuck, healthy]);
        harness.Host.StartSamplers();

        harness.Host.CollectDue(); // stuck overruns its 2 s (real time) and is left behind
        harness.Tick(1);
        harness.Tick(1);
        var during = harness.Scrape();
        var healthyCollections = healthy.Collections;
        release.Set();
        var recovered = during;
        for (var i = 0; i < 50 && !recovered.Any(p => p.Name == "aiprofiler_stuck_value"); i++)
        {
            Thread.Sleep(20);
            harness.Tick(1);
            recovered = harness.Scrape();
        }

        Assert.Equal(3, healthyCollections);
        Assert.Equal(0, Assert.Single(during, p => p.Name == "aiprofiler_sampler_success" && p.Has(("sampler", "stuck"))).Value);
        Assert.Equal(1, Assert.Single(during, p => p.Name == "aiprofiler_sampler_success" && p.Has(("sampler", "healthy"))).Value);
        Assert.DoesNotContain(during, p => p.Name == "aiprofiler_stuck_value");
        Assert.Equal(3, Assert.Single(recovered, p => p.Name == "aiprofiler_stuck_value").Value);
        Assert.Equal(
            ["sampler stuck hung: Collect did not return within 2 s; its values are dropped and it is not called again until that call returns", "sampler stuck recovered"],
            harness.Logger.Messages);
    }

    [Fact]
    public void Collect_SamplerThrows_ReportsFailureLogsOnceAndRecovers()
    {
        var failing = true;
        var sampler = new DelegateSampler("flaky", w =>
        {
            if (failing)
            {
                throw new IOException("device busy");
            }

            w.Gauge("flaky_value", string.Empty, "test", 7);
        });
        using var harness = new HostHarness([sampler]);
        harness.Host.StartSamplers();

        harness.Host.CollectDue();
        harness.Tick(1);
        harness.Tick(1);
        var failed = harness.Scrape();
        failing = false;
        harness.Tick(1);
        var recovered = harness.Scrape();

        Assert.Equal(0, Assert.Single(failed, p => p.Name == "aiprofiler_sampler_success").Value);
        Assert.DoesNotContain(failed, p => p.Name == "aiprofiler_flaky_value");
        Assert.Equal(1, Assert.Single(recovered, p => p.Name == "aiprofiler_sampler_success").Value);
        Assert.Equal(7, Assert.Single(recovered, p => p.Name == "aiprofiler_flaky_value").Value);
        Assert.Equal(
            ["sampler flaky failed: device busy; it is retried on its interval and logged again only after it recovers", "sampler flaky recovered"],
            harness.Logger.Messages);
    }

    [Fact]
    public void Collect_MetricChangesUnit_DropsItAndLogsOnce()
    {
        var unit = "W";
        var sampler = new DelegateSampler("s", w => w.Gauge("shifty", unit, "test", 1));
        using var harness = new HostHarness([sampler]);
        harness.Host.StartSamplers();
        harness.Host.CollectDue();
        unit = "J";
        harness.Tick(1);
        harness.Tick(1);

        Assert.DoesNotContain(harness.Scrape(), p => p.Name == "aiprofiler_shifty");
        Assert.Equal(
            "sampler s wrote metric shifty, but it is registered with unit 'W' as a gauge, not unit 'J' as a gauge; those values are dropped",
            Assert.Single(harness.Logger.Messages));
    }

    [Fact]
    public void Collect_InvalidMetricName_DropsIt()
    {
        var sampler = new DelegateSampler("s", w => w.Gauge("Bad-Name", string.Empty, "test", 1));
        using var harness = new HostHarness([sampler]);
        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        Assert.DoesNotContain(harness.Scrape(), p => p.Name.Contains("Bad", StringComparison.Ordinal));
        Assert.Equal(
            "sampler s wrote metric Bad-Name, but a metric name must be lower-case letters, digits and '_', starting with a letter; those values are dropped",
            Assert.Single(harness.Logger.Messages));
    }

    [Fact]
    public void StartSamplers_StartThrows_TreatedAsUnavailable()
    {
        var sampler = new DelegateSampler("broken", _ => { }, () => throw new InvalidOperationException("no handle"));
        using var harness = new HostHarness([sampler]);

        harness.Host.StartSamplers();
        harness.Tick(1);

        Assert.Equal(0, sampler.Collections);
        Assert.Equal("sampler broken unavailable: start failed: InvalidOperationException: no handle", Assert.Single(harness.Logger.Messages));
    }

    [Fact]
    public void Constructor_DisabledSampler_IsNeverStartedAndHasNoSeries()
    {
        var on = new DelegateSampler("on", _ => { });
        var off = new DelegateSampler("off", _ => { });
        using var harness = new HostHarness([on, off], new() { ["Samplers:off:Enabled"] = "false" });

        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        Assert.Equal(0, off.Starts);
        Assert.Equal(["on"], harness.Host.EnabledSamplers);
        Assert.DoesNotContain(harness.Scrape(), p => p.Has(("sampler", "off")));
    }

    [Fact]
    public async Task StartAsync_IntervalOutOfRange_FailsNamingTheKey()
    {
        using var harness = new HostHarness([new DelegateSampler("nvml", _ => { })], new() { ["Samplers:nvml:IntervalSeconds"] = "0.05" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.Host.StartAsync(CancellationToken.None));

        Assert.Equal("Samplers:nvml:IntervalSeconds is 0.05; it must be between 0.1 and 3600 seconds.", error.Message);
    }

    [Fact]
    public async Task StartAsync_UnknownSampler_FailsNamingTheKeyAndTheKnownSamplers()
    {
        using var harness = new HostHarness(
            [new DelegateSampler("nvml", _ => { }), new DelegateSampler("cpu", _ => { })],
            new() { ["Samplers:nvm:Enabled"] = "false" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.Host.StartAsync(CancellationToken.None));

        Assert.Equal("Samplers:nvm is not a known sampler; known samplers: cpu, nvml.", error.Message);
    }

    [Theory]
    [InlineData("Samplers:cpu:Enabled", "yes", "Samplers:cpu:Enabled is 'yes'; use true or false.")]
    [InlineData("Samplers:cpu:IntervalSeconds", "fast", "Samplers:cpu:IntervalSeconds is 'fast'; use a number of seconds such as 1 or 0.5.")]
    [InlineData("Samplers:cpu:Interval", "1", "Samplers:cpu:Interval is not a sampler setting; use Enabled or IntervalSeconds.")]
    [InlineData("Samplers:ProcRoot", "", "Samplers:ProcRoot is empty; set it to a directory such as /proc.")]
    public async Task StartAsync_UnreadableSetting_FailsNamingTheKeyAndTheFix(string key, string value, string expected)
    {
        using var harness = new HostHarness([new DelegateSampler("cpu", _ => { })], new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.Host.StartAsync(CancellationToken.None));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Constructor_TwoSamplersWithOneName_KeepsTheFirst()
    {
        var first = new DelegateSampler("dup", w => w.Gauge("dup_value", string.Empty, "test", 1));
        var second = new DelegateSampler("dup", w => w.Gauge("dup_value", string.Empty, "test", 2));
        using var harness = new HostHarness([first, second]);

        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        Assert.Equal(0, second.Starts);
        Assert.Equal(1, Assert.Single(harness.Scrape(), p => p.Name == "aiprofiler_dup_value").Value);
        Assert.Contains(harness.Logger.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("two samplers are named dup", StringComparison.Ordinal));
    }
}
