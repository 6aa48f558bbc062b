using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AiProfiler.Exporters.Prometheus.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (free port) wired exactly as an application would wire the exporter:
/// <c>AddOpenTelemetry().WithMetrics(b => b.AddPrometheusPullExporter())</c> and <c>MapPrometheusScrapingEndpoint()</c>.
/// It remembers the content type it answered each User-Agent with, to show what Prometheus negotiated.
/// </summary>
internal sealed class MetricsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsTestServer(WebApplication app, Meter meter, Uri address)
    {
        _app = app;
        Meter = meter;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = address };
    }

    public Meter Meter { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public ConcurrentDictionary<string, string> ContentTypeByUserAgent { get; } = new();

    public static async Task<MetricsTestServer> StartAsync(Action<MeterProviderBuilder>? configure = null, Action<PrometheusExporterOptions>? options = null)
    {
        var meter = new Meter("AiProfiler.Tests." + Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(meter.Name)
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("aiprofiler-test", autoGenerateServiceInstanceId: false))
                .AddPrometheusPullExporter(options);
            configure?.Invoke(metrics);
        });

        var _app = builder.Build();
        MetricsTestServer? server = null;
        _app.Use(async (context, next) =>
        {
            await next(context);
            server?.ContentTypeByUserAgent[context.Request.Headers.UserAgent.ToString()] = context.Response.ContentType ?? string.Empty;
        });
        _app.MapPrometheusScrapingEndpoint();
        await _app.StartAsync();
        var address = new Uri(_app.Urls.Single());
        server = new MetricsTestServer(_app, meter, address);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Meter.Dispose();
    }
}
