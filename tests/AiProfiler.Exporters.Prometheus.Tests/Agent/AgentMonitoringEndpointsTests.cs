using System.Diagnostics;
using System.Net;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Agent;

/// <summary>
/// The real agent process: its live /metrics output, once a scheduled workload has run, passes promtool in both
/// formats; /healthz and /readyz answer; a bad Metrics section stops it with a one-line error.
/// </summary>
public sealed class AgentMonitoringEndpointsTests
{
    private const string OpenMetricsAccept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Metrics_LiveAgentAfterARun_PassesPromtoolInBothFormats()
    {
        string promtool = ExternalTool.Require("/usr/bin/promtool");
        var (agent, client) = await AgentProcess.StartAsync(new Dictionary<string, string>
        {
            // A small GEMM right away keeps the test short; the schedule is otherwise the shipped one.
            ["AIPROFILER_Schedule__InitialDelaySeconds"] = "0",
            ["AIPROFILER_Schedule__Jobs__0__Parameters__m"] = "64",
            ["AIPROFILER_Schedule__Jobs__0__Parameters__n"] = "64",
            ["AIPROFILER_Schedule__Jobs__0__Parameters__k"] = "64",
        });
        await using (agent)
        using (client)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
            string text = await WaitForAsync(client, body => body.Contains("aiprofiler_runs_total{", StringComparison.Ordinal), agent);
            using var readyz = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);

            Assert.Contains("aiprofiler_run_duration_seconds_bucket{", text, StringComparison.Ordinal);
            Assert.Contains("aiprofiler_build_info{", text, StringComparison.Ordinal);
            Assert.Contains("target_info{", text, StringComparison.Ordinal);
            ExternalTool.Result lint = await ExternalTool.RunAsync(promtool, ["check", "metrics"], text, TimeSpan.FromSeconds(30));
            Assert.Equal(string.Empty, lint.Output + lint.Error);
            Assert.Equal(0, lint.ExitCode);

            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.TryAddWithoutValidation("Accept", OpenMetricsAccept);
            using HttpResponseMessage response = await client.SendAsync(request);
            string openMetrics = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("aiprofiler_runs_total{", openMetrics, StringComparison.Ordinal);
            ExternalTool.Result parse = await ParseOpenMetricsAsync(promtool, openMetrics);
            Assert.True(parse.ExitCode == 0, parse.Error);
        }
    }

    [Fact]
    public async Task Start_InvalidMetricsSection_ExitsWithOneLineConfigurationError()
    {
        var (exitCode, output) = await AgentProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["AIPROFILER_Metrics__Otlp__Enabled"] = "true",
            ["AIPROFILER_Metrics__Otlp__Protocol"] = "udp",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("aiprofiler: configuration error: Metrics:Otlp:Protocol must be 'grpc' or 'http/protobuf'.", output, StringComparison.Ordinal);
    }

    /// <summary>Prometheus' own OpenMetrics parser, via promtool's backfill (which needs a timestamp on each sample).</summary>
    private static async Task<ExternalTool.Result> ParseOpenMetricsAsync(string promtool, string openMetrics)
    {
        string directory = Directory.CreateTempSubdirectory("aiprofiler-agent-om-").FullName;
        try
        {
            string input = Path.Combine(directory, "metrics.om");
            await File.WriteAllTextAsync(input, string.Concat(openMetrics.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.StartsWith('#') ? l + "\n" : l + " 1700000000\n")));
            return await ExternalTool.RunAsync(promtool, ["tsdb", "create-blocks-from", "openmetrics", input, Path.Combine(directory, "blocks")], null, TimeSpan.FromSeconds(60));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> WaitForAsync(HttpClient client, Func<string, bool> condition, AgentProcess agent)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            string body = await client.GetStringAsync("/metrics");
            if (condition(body))
            {
                return body;
            }

            await Task.Delay(300);
        }

        throw new TimeoutException($"The agent showed no finished run within {Deadline.TotalSeconds} s. Its output:\n{agent.Output}");
    }
}
