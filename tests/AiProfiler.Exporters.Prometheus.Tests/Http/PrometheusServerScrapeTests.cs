using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Http;

/// <summary>
/// Debian's real Prometheus server scrapes the endpoint every second; its query API must then answer a histogram
/// quantile over the scraped buckets. Prometheus starts scraping about 6 s after it starts, so this takes ~10 s.
/// </summary>
public sealed class PrometheusServerScrapeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Scrape_RealPrometheus_NegotiatesOpenMetricsAndAnswersHistogramQuantile()
    {
        var prometheus = ExternalTool.Require("/usr/bin/prometheus");
        await using var server = await MetricsTestServer.StartAsync(metrics => metrics.AddRunDurationBuckets(TestInstruments.RunDuration));
        var duration = TestInstruments.Register(server.Meter);
        var directory = Directory.CreateTempSubdirectory("aiprofiler-prometheus-").FullName;
        var port = FreeLoopbackPort();
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: aiprofiler
                static_configs:
                  - targets: ['{server.Address.Authority}']
            """);

        var start = new ProcessStartInfo(prometheus)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--config.file=" + config);
        start.ArgumentList.Add("--storage.tsdb.path=" + Path.Combine(directory, "data"));
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        start.ArgumentList.Add("--log.level=error");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + prometheus);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            const string Query = "histogram_quantile(0.9, sum by (le) (rate(test_run_duration_seconds_bucket[30s])))";
            double? quantile = null;
            var clock = Stopwatch.StartNew();
            while (quantile is null && clock.Elapsed < Deadline)
            {
                // Runs keep finishing while Prometheus scrapes, so the rate over the window is not zero.
                for (var i = 0; i < 9; i++)
                {
                    duration.Record(0.002);
                }

                duration.Record(0.04);
                quantile = await TryQueryScalarAsync(api, Query);
                if (quantile is null)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(quantile is not null, $"Prometheus returned no quantile within {Deadline.TotalSeconds} s.");
            Assert.InRange(quantile.Value, 0.001, 0.05);
            var prometheusContentType = server.ContentTypeByUserAgent.Single(p => p.Key.StartsWith("Prometheus/", StringComparison.Ordinal)).Value;
            Assert.StartsWith("application/openmetrics-text; version=1.0.0", prometheusContentType, StringComparison.Ordinal);
            Assert.Equal(string.Empty, await TargetLastErrorAsync(api));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double?> TryQueryScalarAsync(HttpClient api, string query)
    {
        try
        {
            using var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query)));
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0)
            {
                return null;
            }

            var value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            return double.IsFinite(value) ? value : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // Prometheus is still starting.
            return null;
        }
    }

    private static async Task<string> TargetLastErrorAsync(HttpClient api)
    {
        using var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/targets"));
        var target = json.RootElement.GetProperty("data").GetProperty("activeTargets")[0];
        Assert.Equal("up", target.GetProperty("health").GetString());
        return target.GetProperty("lastError").GetString() ?? string.Empty;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
