using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Sampling;
using AiProfiler.Telemetry.Hosting;
using AiProfiler.Telemetry.Nvml;
using AiProfiler.Telemetry.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Telemetry.Tests;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAiProfilerTelemetry_RunningHost_ServesHostAndProcessSeriesAndReportsNvmlOnce()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the host samplers it checks read /proc and /sys, which only Linux has");

        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(logs, new() { ["Samplers:process:IntervalSeconds"] = "0.2", ["Samplers:cpu:IntervalSeconds"] = "0.2" });
        using var reader = new MeterReader(SamplerHostOf(host).Meter);

        await host.StartAsync();
        var scrape = await ScrapeUntil(reader, s => s.Any(p => p.Name == "aiprofiler_host_cpu") && s.Any(p => p.Name == "aiprofiler_process_cpu"));
        await Task.Delay(500);
        await host.StopAsync();

        Assert.Contains(scrape, p => p.Name == "aiprofiler_host_memory_total" && p.Unit == "By");
        Assert.Contains(scrape, p => p.Name == "aiprofiler_host_load1");
        Assert.Contains(scrape, p => p.Name == "aiprofiler_sampler_success" && p.Has(("sampler", "cpu")) && p.Value == 1);
        if (!NvmlPresent())
        {
            Assert.Contains(scrape, p => p.Name == "aiprofiler_sampler_success" && p.Has(("sampler", "nvml")) && p.Value == 0);
            Assert.Equal(
                ["sampler nvml unavailable: libnvidia-ml.so.1 not found (no NVIDIA driver)"],
                logs.Logger.Messages.Where(m => m.Contains("nvml", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void AddAiProfilerTelemetry_PluginSamplerInContainer_IsRunLikeABuiltInOne()
    {
        var plugin = new DelegateSampler("myplugin", w => w.Gauge("myplugin_widgets", string.Empty, "test", 42));
        using var host = BuildHost(new CapturingLoggerProvider(), new() { ["Samplers:myplugin:IntervalSeconds"] = "5" }, s => s.AddSingleton<ISampler>(plugin));
        var samplerHost = SamplerHostOf(host);
        using var reader = new MeterReader(samplerHost.Meter);

        samplerHost.StartSamplers();
        samplerHost.CollectDue();

        Assert.Equal(42, Assert.Single(reader.Scrape(), p => p.Name == "aiprofiler_myplugin_widgets").Value);
    }

    [Fact]
    public void AddAiProfilerTelemetry_ProcRootSetting_PointsTheLinuxSamplersAtIt()
    {
        using var host = BuildHost(new CapturingLoggerProvider(), new() { ["Samplers:ProcRoot"] = Fixtures.ProcRoot, ["Samplers:SysRoot"] = Fixtures.SysRoot });
        var samplerHost = SamplerHostOf(host);
        using var reader = new MeterReader(samplerHost.Meter);

        samplerHost.StartSamplers();
        samplerHost.CollectDue();
        var scrape = reader.Scrape();

        Assert.Equal(1250, Assert.Single(scrape, p => p.Name == "aiprofiler_host_cpu" && p.Has(("cpu", "0"), ("mode", "user"))).Value);
        Assert.Equal(2.4e9, Assert.Single(scrape, p => p.Name == "aiprofiler_host_cpu_frequency" && p.Has(("cpu", "0"))).Value);
    }

    [Fact]
    public async Task AddAiProfilerTelemetry_UnknownSamplerInConfiguration_HostStartFailsNamingItAndTheKnownOnes()
    {
        using var host = BuildHost(new CapturingLoggerProvider(), new() { ["Samplers:gpu:Enabled"] = "true" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Samplers:gpu is not a known sampler; known samplers: cpu, cpufreq, hwmon, loadavg, meminfo, nvml, pressure, process, rapl, windows.", error.Message);
    }

    private static IHost BuildHost(CapturingLoggerProvider logs, Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logs);
        builder.Services.AddAiProfilerTelemetry(builder.Configuration);
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    private static SamplerHost SamplerHostOf(IHost host) => host.Services.GetServices<IHostedService>().OfType<SamplerHost>().Single();

    private static async Task<IReadOnlyList<RecordedPoint>> ScrapeUntil(MeterReader reader, Func<IReadOnlyList<RecordedPoint>, bool> done)
    {
        // Generous: the first collections run right after start; this only bounds a hang.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var scrape = reader.Scrape();
            if (done(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(50);
        }
    }

    private static bool NvmlPresent()
    {
        if (!NativeLibrary.TryLoad(NvmlLibrary.DefaultCandidates[0], out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
