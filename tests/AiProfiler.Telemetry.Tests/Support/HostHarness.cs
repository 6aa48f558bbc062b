using System.Diagnostics.Metrics;
using AiProfiler.Abstractions.Sampling;
using AiProfiler.Telemetry.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>A <see cref="SamplerHost"/> on a manual clock, with its meter scraped by a listener.</summary>
internal sealed class HostHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public HostHarness(IEnumerable<ISampler> samplers, Dictionary<string, string?>? settings = null, IEnumerable<ISamplerSource>? sources = null, IEnumerable<ISamplersStartedObserver>? observers = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var options = new TelemetryOptions();
        TelemetryOptionsReader.Read(configuration.GetSection(TelemetryOptions.SectionName), options);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Host = new SamplerHost(samplers, Options.Create(options), _services.GetRequiredService<IMeterFactory>(), Time, Logger, sources, observers);
        Reader = new MeterReader(Host.Meter);
    }

    public FakeTimeProvider Time { get; } = new();

    public CapturingLogger<SamplerHost> Logger { get; } = new();

    public SamplerHost Host { get; }

    public MeterReader Reader { get; }

    /// <summary>Moves the clock on and runs one pass of the sampling loop.</summary>
    public int Tick(double seconds)
    {
        Time.Advance(TimeSpan.FromSeconds(seconds));
        return Host.CollectDue();
    }

    public IReadOnlyList<RecordedPoint> Scrape() => Reader.Scrape();

    public void Dispose()
    {
        Reader.Dispose();
        Host.Dispose();
        _services.Dispose();
    }
}
