using System.IO.Compression;
using System.Net;
using System.Text;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Http;

/// <summary>The endpoint on a real Kestrel server (127.0.0.1, free port), as an application maps it.</summary>
public sealed class PrometheusScrapingEndpointTests : IAsyncLifetime
{
    private const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private MetricsTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await MetricsTestServer.StartAsync(metrics => metrics.AddRunDurationBuckets(TestInstruments.RunDuration));
        TestInstruments.Register(_server.Meter);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Scrape_PrometheusAcceptHeader_ServesOpenMetrics()
    {
        using var response = await ScrapeAsync(PrometheusAccept);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
        Assert.Contains("test_runs_total{device=\"cpu0\",workload=\"gemm\"} 3\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_NoAcceptHeader_ServesText()
    {
        using var response = await ScrapeAsync(null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.DoesNotContain("# EOF", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE test_runs_total counter\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/openmetrics-text;q=abc")]
    [InlineData(";;;,,,;=;")]
    [InlineData("image/png")]
    [InlineData("application/openmetrics-text;version=9.9.9")]
    public async Task Scrape_UnknownOrMalformedAccept_ServesTextNot500(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Scrape_GzipAccepted_ServesGzipOfTheSameBody()
    {
        using var plainRequest = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        using var plain = await _server.Client.SendAsync(plainRequest);
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        gzipRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var compressed = await _server.Client.SendAsync(gzipRequest);

        Assert.Equal(["gzip"], compressed.Content.Headers.ContentEncoding);
        await using var gzip = new GZipStream(await compressed.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var decompressed = await reader.ReadToEndAsync();
        Assert.Contains("# TYPE test_run_duration_seconds histogram\n", decompressed, StringComparison.Ordinal);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Scrape_Head_AnswersHeadersWithoutBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/metrics");
        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Scrape_TextFormat_PassesPromtoolCheckMetrics()
    {
        using var response = await ScrapeAsync("text/plain;version=0.0.4");
        var body = await response.Content.ReadAsStringAsync();

        var lint = await ExternalTool.RunAsync(ExternalTool.Require("/usr/bin/promtool"), ["check", "metrics"], body, TimeSpan.FromSeconds(30));

        Assert.Contains("test_run_duration_seconds_bucket{device=\"cpu0\",le=\"1e-06\"} 0\n", body, StringComparison.Ordinal);
        Assert.Equal(string.Empty, lint.Output + lint.Error);
        Assert.Equal(0, lint.ExitCode);
    }

    /// <summary>
    /// Debian's promtool (2.42) lints only the text format: <c>check metrics</c> rejects OpenMetrics' <c>info</c> type
    /// and reads <c>x_total</c> samples under <c># TYPE x counter</c> as untyped. Prometheus' own OpenMetrics parser
    /// is reached through <c>promtool tsdb create-blocks-from openmetrics</c>, which needs a timestamp on each sample
    /// (added here, as the backfill requires); it rejects anything that is not valid OpenMetrics 1.0.
    /// </summary>
    [Fact]
    public async Task Scrape_OpenMetricsFormat_ParsesWithPrometheusOpenMetricsParser()
    {
        using var response = await ScrapeAsync(PrometheusAccept);
        var body = await response.Content.ReadAsStringAsync();
        var directory = Directory.CreateTempSubdirectory("aiprofiler-om-").FullName;
        try
        {
            var input = Path.Combine(directory, "metrics.om");
            await File.WriteAllTextAsync(input, string.Concat(body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.StartsWith('#') ? l + "\n" : l + " 1700000000\n")));

            var parse = await ExternalTool.RunAsync(
                ExternalTool.Require("/usr/bin/promtool"),
                ["tsdb", "create-blocks-from", "openmetrics", input, Path.Combine(directory, "blocks")],
                null,
                TimeSpan.FromSeconds(60));

            Assert.True(parse.ExitCode == 0, parse.Error);
            Assert.Contains("# TYPE target info\n", body, StringComparison.Ordinal);
            Assert.Contains("test_gpu_energy_joules_created ", body, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task MapPrometheusScrapingEndpoint_NoExporterRegistered_ThrowsNamingTheFix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapPrometheusScrapingEndpoint());

        Assert.Equal(
            "No Prometheus pull exporter is registered in the application's services: call AddPrometheusPullExporter() on a MeterProvider built from the application's IServiceCollection before MapPrometheusScrapingEndpoint().",
            error.Message);
    }

    private async Task<HttpResponseMessage> ScrapeAsync(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await _server.Client.SendAsync(request);
    }
}
