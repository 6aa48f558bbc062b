using AiProfiler.Exporters.Prometheus.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Adds the Prometheus pull exporter to a MeterProvider.</summary>
public static class PrometheusExporterMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds a pull metric reader (cumulative temporality) whose collections feed
    /// <see cref="PrometheusScrapingEndpointRouteBuilderExtensions.MapPrometheusScrapingEndpoint"/>. The reader and
    /// its options live in the provider's service collection: build the MeterProvider from the application's
    /// services (OpenTelemetry.Extensions.Hosting's <c>services.AddOpenTelemetry().WithMetrics(...)</c>) so the endpoint
    /// finds them. Options can also be bound with <c>services.AddOptions&lt;PrometheusExporterOptions&gt;().Bind(section)</c>;
    /// they are validated when the provider is built.
    /// </summary>
    public static MeterProviderBuilder AddPrometheusPullExporter(this MeterProviderBuilder builder, Action<PrometheusExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            var options = services.AddOptions<PrometheusExporterOptions>();
            if (configure is not null)
            {
                options.Configure(configure);
            }

            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrometheusExporterOptions>, PrometheusExporterOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton(sp => new PrometheusPullMetricReader(
                sp.GetRequiredService<IOptions<PrometheusExporterOptions>>().Value,
                sp.GetRequiredService<TimeProvider>()));
        });

        return builder.AddReader(sp => sp.GetRequiredService<PrometheusPullMetricReader>());
    }
}
