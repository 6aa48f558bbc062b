using System.Diagnostics.Metrics;
using System.Text;
using AiProfiler.Exporters.Prometheus.Collection;
using AiProfiler.Exporters.Prometheus.Serialization;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AiProfiler.Exporters.Prometheus.Tests.Support;

/// <summary>
/// A meter with a unique name and a MeterProvider that reads only it through the Prometheus pull reader, so tests
/// running in parallel never see each other's instruments.
/// </summary>
internal sealed class MeterHarness : IDisposable
{
    public MeterHarness(
        Action<MeterProviderBuilder>? configure = null,
        PrometheusExporterOptions? options = null,
        ResourceBuilder? resource = null,
        TimeProvider? timeProvider = null)
    {
        Meter = new Meter("AiProfiler.Tests." + Guid.NewGuid().ToString("N"));
        Reader = new PrometheusPullMetricReader(options ?? new PrometheusExporterOptions { ScrapeResponseCacheMilliseconds = 0 }, timeProvider ?? TimeProvider.System);
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(Meter.Name)
            .SetResourceBuilder(resource ?? ResourceBuilder.CreateEmpty())
            .AddReader(Reader);
        configure?.Invoke(builder);
        Provider = builder.Build();
    }

    public Meter Meter { get; }

    public PrometheusPullMetricReader Reader { get; }

    public MeterProvider Provider { get; }

    public async Task<string> ScrapeAsync(PrometheusFormat format)
    {
        var snapshot = await Reader.Cache.GetSnapshotAsync();
        return Encoding.UTF8.GetString(snapshot.Body(format, gzip: false));
    }

    public void Dispose()
    {
        Provider.Dispose();
        Meter.Dispose();
    }
}
