using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests;

public sealed class PrometheusExporterOptionsTests
{
    [Fact]
    public void Defaults_AreShortCacheAndThousandSeries()
    {
        var options = new PrometheusExporterOptions();

        Assert.Equal(250, options.ScrapeResponseCacheMilliseconds);
        Assert.Equal(1000, options.MaxSeriesPerMetric);
    }

    [Fact]
    public void AddPrometheusPullExporter_InvalidOptions_FailsWhenTheProviderIsBuiltWithOneLineMessage()
    {
        var services = HostLikeServices();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusPullExporter(o =>
        {
            o.ScrapeResponseCacheMilliseconds = -1;
            o.MaxSeriesPerMetric = 0;
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MeterProvider>());

        Assert.Equal(
            "Metrics:Prometheus:ScrapeResponseCacheMilliseconds must be between 0 and 60000 milliseconds; a few hundred keeps /metrics cheap under load. "
            + "Metrics:Prometheus:MaxSeriesPerMetric must be between 1 and 1000000; it bounds the series one metric may show.",
            error.Message);
    }

    [Fact]
    public void AddPrometheusPullExporter_BoundFromConfiguration_UsesConfiguredValues()
    {
        var services = HostLikeServices();
        services.Configure<PrometheusExporterOptions>(o => o.MaxSeriesPerMetric = 42);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusPullExporter());
        using var provider = services.BuildServiceProvider();

        Assert.Equal(42, provider.GetRequiredService<IOptions<PrometheusExporterOptions>>().Value.MaxSeriesPerMetric);
    }

    // A host always registers IConfiguration, which the OpenTelemetry SDK reads its environment settings from.
    private static ServiceCollection HostLikeServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        return services;
    }
}
