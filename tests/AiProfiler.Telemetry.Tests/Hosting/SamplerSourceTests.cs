using AiProfiler.Abstractions.Sampling;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Hosting;

public sealed class SamplerSourceTests
{
    [Fact]
    public void CollectDue_SamplerFromASource_RunsLikeABuiltInOne()
    {
        var plugin = new DelegateSampler("plugin_probe", w => w.Gauge("plugin_probe_value", string.Empty, "test", 42));
        using var harness = new HostHarness([new DelegateSampler("cpu", _ => { })], sources: [new Source(plugin)]);

        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        Assert.Equal(1, plugin.Collections);
        Assert.Contains(harness.Scrape(), p => p.Name == "aiprofiler_plugin_probe_value" && p.Value == 42);
        Assert.Contains(harness.Scrape(), p => p.Name == "aiprofiler_sampler_success" && p.Has(("sampler", "plugin_probe")) && p.Value == 1);
    }

    [Fact]
    public void Configuration_SamplerFromASource_CanBeSwitchedOffByName()
    {
        var plugin = new DelegateSampler("plugin_probe", _ => { });
        using var harness = new HostHarness([], new() { ["Samplers:plugin_probe:Enabled"] = "false" }, [new Source(plugin)]);

        harness.Host.StartSamplers();
        harness.Host.CollectDue();

        Assert.Equal(0, plugin.Collections);
    }

    [Fact]
    public async Task ExecuteAsync_AfterStartingSamplers_TellsObservers()
    {
        var observer = new Observer();
        using var harness = new HostHarness([new DelegateSampler("cpu", _ => { })], observers: [observer]);

        await harness.Host.StartAsync(CancellationToken.None);
        Assert.True(observer.Started.Wait(TimeSpan.FromSeconds(10)), "observer was not told that samplers started");
        await harness.Host.StopAsync(CancellationToken.None);
    }

    private sealed class Source(params ISampler[] samplers) : ISamplerSource
    {
        public IEnumerable<ISampler> CreateSamplers() => samplers;
    }

    private sealed class Observer : ISamplersStartedObserver
    {
        public ManualResetEventSlim Started { get; } = new();

        public void OnSamplersStarted() => Started.Set();
    }
}
