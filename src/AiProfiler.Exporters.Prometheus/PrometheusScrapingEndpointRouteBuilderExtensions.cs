using AiProfiler.Exporters.Prometheus.Collection;
using AiProfiler.Exporters.Prometheus.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Maps the Prometheus scraping endpoint.</summary>
public static class PrometheusScrapingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the latest collection at <paramref name="path"/> (GET and HEAD): OpenMetrics 1.0 or Prometheus text
    /// 0.0.4 as <c>Accept</c> asks (text when it asks for neither or cannot be read), gzip when
    /// <c>Accept-Encoding</c> allows it. Requires <see cref="PrometheusExporterMeterProviderBuilderExtensions.AddPrometheusPullExporter"/>
    /// on the application's MeterProvider.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusScrapingEndpoint(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var services = endpoints.ServiceProvider;
        var reader = services.GetService<PrometheusPullMetricReader>()
            ?? throw new InvalidOperationException(
                "No Prometheus pull exporter is registered in the application's services: call AddPrometheusPullExporter() on a MeterProvider built from the application's IServiceCollection before MapPrometheusScrapingEndpoint().");

        // AddOpenTelemetry().WithMetrics(...) builds the provider when the host starts; without it, the first scrape builds it,
        // since an unattached reader has nothing to collect.
        var providerBuilt = false;
        return endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context =>
        {
            if (!Volatile.Read(ref providerBuilt))
            {
                _ = services.GetService<MeterProvider>();
                Volatile.Write(ref providerBuilt, true);
            }

            return PrometheusScrapeHandler.HandleAsync(context, reader);
        });
    }
}
