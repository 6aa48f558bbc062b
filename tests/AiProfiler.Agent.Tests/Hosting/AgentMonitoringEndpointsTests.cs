using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace AiProfiler.Agent.Tests.Hosting;

/// <summary>
/// The live agent's monitoring surface: once a scheduled workload has run, /metrics passes Debian's promtool in both
/// formats and a real Prometheus scrapes it and answers the run-duration quantile; /healthz and /readyz answer; a bad
/// Metrics section stops the start with a one-line error.
/// </summary>
public sealed class AgentMonitoringEndpointsTests : IDisposable
{
    private const string Promtool = "/usr/bin/promtool";
    private const string Prometheus = "/usr/bin/prometheus";
    private const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"aiprofiler-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_config);

    [Fact]
    public async Task Metrics_LiveAgentAfterARun_PassesPromtoolInBothFormats()
    {
        Assert.True(File.Exists(Promtool), $"{Promtool} is missing; install the Debian package 'prometheus' (./test.sh does).");
        File.WriteAllText(_config, """
            { "Schedule": { "InitialDelaySeconds": 0, "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "64", "n": "64", "k": "64" }, "IntervalSeconds": 3600 } ] } }
            """);
        using var agent = AgentProcess.Start(_config);

        Assert.Equal("ok\n", await agent.WaitForAsync("/healthz"));
        var text = await agent.WaitForAsync("/metrics", body => body.Contains("aiprofiler_runs_total{", StringComparison.Ordinal));
        Assert.Equal("ready\n", await agent.WaitForAsync("/readyz"));
        using var http = new HttpClient { BaseAddress = agent.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", PrometheusAccept);
        using var response = await http.SendAsync(request);
        var openMetrics = await response.Content.ReadAsStringAsync();

        Assert.Contains("aiprofiler_run_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_build_info{", text, StringComparison.Ordinal);
        Assert.Contains("target_info{", text, StringComparison.Ordinal);
        var (lintExit, lintOutput) = await RunAsync(Promtool, ["check", "metrics"], text);
        Assert.Equal(string.Empty, lintOutput);
        Assert.Equal(0, lintExit);

        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("aiprofiler_runs_total{", openMetrics, StringComparison.Ordinal);
        var (parseExit, parseOutput) = await ParseOpenMetricsAsync(openMetrics);
        Assert.True(parseExit == 0, parseOutput);
    }

    [Fact]
    public async Task Metrics_ScrapedByRealPrometheus_AnswersRunDurationQuantileOverOpenMetrics()
    {
        Assert.True(File.Exists(Prometheus), $"{Prometheus} is missing; install the Debian package 'prometheus' (./test.sh does).");
        File.WriteAllText(_config, """
            { "Schedule": { "InitialDelaySeconds": 0, "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "32", "n": "32", "k": "32" }, "IntervalSeconds": 1, "Iterations": 5 } ] } }
            """);
        using var agent = AgentProcess.Start(_config);
        await agent.WaitForAsync("/metrics", body => body.Contains("aiprofiler_runs_total{", StringComparison.Ordinal));
        var directory = Directory.CreateTempSubdirectory("aiprofiler-prometheus-").FullName;
        var port = FreePort.Next();
        var prometheusConfig = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(prometheusConfig, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: aiprofiler
                static_configs:
                  - targets: ['127.0.0.1:{agent.Port}']
            """);
        var info = new ProcessStartInfo(Prometheus) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--config.file=" + prometheusConfig, "--storage.tsdb.path=" + Path.Combine(directory, "data"), $"--web.listen-address=127.0.0.1:{port}", "--log.level=error" })
        {
            info.ArgumentList.Add(argument);
        }

        using var prometheus = Process.Start(info)!;
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            // Prometheus starts scraping about 6 s after it starts; rate() needs two scrapes.
            var quantile = await PollScalarAsync(api, "histogram_quantile(0.9, sum by (le) (rate(aiprofiler_run_duration_seconds_bucket[30s])))", TimeSpan.FromSeconds(45));
            var created = await PollScalarAsync(api, "max(aiprofiler_runs_created)", TimeSpan.FromSeconds(5));
            var gemmFlops = await PollScalarAsync(api, "max(aiprofiler_run_flops_per_second{workload=\"gemm\",device=\"cpu\",impl=~\".+\"})", TimeSpan.FromSeconds(5));

            Assert.True(quantile is > 0 and < 10, $"no plausible p90 run duration from Prometheus (got {quantile}); agent log:\n{agent.Log}");
            Assert.True(created > 1e9, "Prometheus has no _created series, so it did not negotiate OpenMetrics.");
            Assert.True(gemmFlops > 0, $"Prometheus has no GEMM FLOP/s series for the cpu (got {gemmFlops})");
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }

            await prometheus.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Run_BadMetricsSection_ExitsOneNamingTheKey()
    {
        File.WriteAllText(_config, """{ "Schedule": { "Enabled": false }, "Metrics": { "Otlp": { "Enabled": true, "Protocol": "udp" } } }""");

        var run = await CliRun.Invoke("run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config, "--plugins", Repository.Plugins);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("aiprofiler: configuration error: Metrics:Otlp:Protocol must be 'grpc' or 'http/protobuf'." + Environment.NewLine, run.Error);
    }

    private static async Task<double?> PollScalarAsync(HttpClient api, string query, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query)));
                var result = json.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0 && double.TryParse(result[0].GetProperty("value")[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Prometheus is still starting.
            }

            await Task.Delay(500);
        }

        return null;
    }

    /// <summary>
    /// Debian's promtool (2.42) lints only the text format (<c>check metrics</c> rejects OpenMetrics' <c>info</c> type),
    /// so OpenMetrics goes through Prometheus' own OpenMetrics parser in <c>promtool tsdb create-blocks-from
    /// openmetrics</c>, which needs a timestamp on each sample (added here); it fails on anything that is not valid
    /// OpenMetrics 1.0.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> ParseOpenMetricsAsync(string openMetrics)
    {
        var directory = Directory.CreateTempSubdirectory("aiprofiler-om-").FullName;
        try
        {
            var input = Path.Combine(directory, "metrics.om");
            await File.WriteAllTextAsync(input, string.Concat(openMetrics.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.StartsWith('#') ? l + "\n" : l + " 1700000000\n")));
            return await RunAsync(Promtool, ["tsdb", "create-blocks-from", "openmetrics", input, Path.Combine(directory, "blocks")], null);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string? stdin)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await error);
    }
}
