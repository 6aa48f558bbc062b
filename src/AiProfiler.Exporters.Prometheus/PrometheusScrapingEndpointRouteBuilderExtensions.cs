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
        IServiceProvider services = endpoints.ServiceProvider;
        PrometheusPullMetricReader reader = services.GetService<PrometheusPullMetricReader>()
            ?? throw new InvalidOperationException(
                "No Prometheus pull exporter is registered in the application's services: call AddPrometheusPullExporter() on a MeterProvider built from the application's IServiceCollection before MapPrometheusScrapingEndpoint().");

        // Building the provider here attaches the reader, so the first scrape already has instruments to read.
        _ = services.GetService<MeterProvider>();
        return endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context => PrometheusScrapeHandler.HandleAsync(context, reader));
    }
}
