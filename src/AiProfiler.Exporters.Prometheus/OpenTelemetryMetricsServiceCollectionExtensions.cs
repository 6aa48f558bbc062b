using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>
/// Registers an OpenTelemetry MeterProvider in the application's services: the part of
/// OpenTelemetry.Extensions.Hosting (<c>AddOpenTelemetry().WithMetrics(...)</c>) this project needs, since that
/// package is not served here. The provider shares the application's container, so exporters added with
/// <c>AddPrometheusPullExporter</c> are visible to <c>MapPrometheusScrapingEndpoint</c>.
/// </summary>
public static class OpenTelemetryMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds a MeterProvider configured by <paramref name="configure"/>, built when the host starts (so no
    /// measurement before the first scrape is lost) and disposed, with a final flush, when the host stops.
    /// </summary>
    public static IServiceCollection AddOpenTelemetryMetrics(this IServiceCollection services, Action<MeterProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        new ServiceCollectionOpenTelemetryBuilder(services).WithMetrics(configure);
        services.AddHostedService<MeterProviderStartupService>();
        return services;
    }

    private sealed class ServiceCollectionOpenTelemetryBuilder(IServiceCollection services) : IOpenTelemetryBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class MeterProviderStartupService(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<MeterProvider>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
