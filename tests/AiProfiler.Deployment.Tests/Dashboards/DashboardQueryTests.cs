using System.Text.Json;
using System.Text.Json.Nodes;
using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Dashboards;

/// <summary>
/// The dashboards against real components: the agent runs workloads, Debian's Prometheus scrapes it with
/// install/prometheus/prometheus.yml, and every panel query and variable query of every dashboard is evaluated through
/// Prometheus' query API with the variables set to All.
/// </summary>
public sealed class DashboardQueryTests
{
    private const int DataDeadlineSeconds = 120;

    // A fast schedule: every workload with a small shape, every 2 s, so runs, rates and histograms fill within seconds.
    // GEMM runs on every device, so the panels of accelerators fill wherever there is one (PoCL's OpenCL CPU device
    // counts: the GPU dashboard's workload panels then show it). One advice scenario feeds the aiprofiler_advice_*
    // panels; its calibration is measured into the test's own directory ({0} below) before the agent starts.
    private const string AgentConfig = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Microsoft.Hosting.Lifetime": "Information" } },
          "Plugins": { "HotReload": false },
          "Calibration": { "Directory": "{0}" },
          "Advise": { "Scenarios": [ { "Model": "gpt2", "Precision": "fp32", "Prompt": 128, "Output": 32, "Slo": "mlperf-server" } ] },
          "Schedule": {
            "Enabled": true,
            "InitialDelaySeconds": 0,
            "Jobs": [
              { "Workload": "gemm", "Devices": [ "all" ], "Parameters": { "m": "64", "n": "64", "k": "64" },
                "IntervalSeconds": 2, "Iterations": 5, "WarmupIterations": 1, "TimeBudgetSeconds": 1 },
              { "Workload": "attention", "Devices": [ "cpu" ], "Parameters": { "batch": "1", "heads": "2", "seq": "32", "head_dim": "16" },
                "IntervalSeconds": 2, "Iterations": 5, "WarmupIterations": 1, "TimeBudgetSeconds": 1 },
              { "Workload": "inference", "Devices": [ "cpu" ], "Parameters": { "preset": "tiny", "prompt": "4", "gen": "4" },
                "IntervalSeconds": 2, "Iterations": 3, "WarmupIterations": 1, "TimeBudgetSeconds": 1 },
              { "Workload": "finetune", "Devices": [ "cpu" ],
                "Parameters": { "mode": "lora", "layers": "1", "d_model": "32", "heads": "2", "hidden": "64", "vocab": "64", "batch": "2", "seq": "8", "rank": "4" },
                "IntervalSeconds": 2, "Iterations": 3, "WarmupIterations": 1, "TimeBudgetSeconds": 1 }
            ]
          }
        }
        """;

    [Fact]
    public async Task EveryPanelAndVariableQuery_OnPrometheusScrapingARunningAgent_IsValidAndHasDataUnlessItsHardwareIsMissing()
    {
        using var temp = new TemporaryDirectory();
        var agentDll = AgentProcess.CopyWithSettings(temp.File("agent"), AgentConfig.Replace("{0}", temp.File("state"), StringComparison.Ordinal));
        var calibrate = await ExternalCommand.RunAsync("dotnet", [agentDll, "calibrate"], timeoutSeconds: 300);
        Assert.True(calibrate.ExitCode == 0, $"aiprofiler calibrate failed: {calibrate.All}");
        using var agent = AgentProcess.Start(agentDll: agentDll);
        await agent.WaitForAsync("/metrics", body => body.Contains("aiprofiler_runs_total", StringComparison.Ordinal));

        File.WriteAllText(temp.File("prometheus.yml"), PrometheusConfigFor(agent.Port));
        Directory.CreateDirectory(temp.File("data"));
        using var prometheus = await PrometheusServer.StartAsync(temp.File("prometheus.yml"), temp.File("data"));

        var dashboards = GrafanaDashboard.LoadAll();
        var deadline = DateTime.UtcNow.AddSeconds(DataDeadlineSeconds);
        IReadOnlyList<string> missing;
        while (true)
        {
            missing = await MissingDataAsync(prometheus, dashboards);
            if (missing.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(1000);
        }

        Assert.True(missing.Count == 0,
            $"{missing.Count} queries have no data after {DataDeadlineSeconds} s:\n{string.Join('\n', missing)}\n\ntargets: {await prometheus.TargetsAsync()}\n\nagent log:\n{agent.Log}");
    }

    /// <summary>
    /// install/prometheus/prometheus.yml with the agent's port and a 1 s scrape interval; the replacements must apply,
    /// so a change to the shipped file that this test no longer follows fails here.
    /// </summary>
    private static string PrometheusConfigFor(int agentPort)
    {
        var shipped = File.ReadAllText(Repository.PathOf("install", "prometheus", "prometheus.yml"));
        Assert.Contains("\"localhost:9464\"", shipped, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 15s", shipped, StringComparison.Ordinal);
        return shipped
            .Replace("\"localhost:9464\"", $"\"127.0.0.1:{agentPort}\"", StringComparison.Ordinal)
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("evaluation_interval: 15s", "evaluation_interval: 1s", StringComparison.Ordinal);
    }

    /// <summary>
    /// Evaluates everything once. An invalid query fails the test at once; a query without data is returned (the
    /// caller retries until the deadline) unless one of its selectors is hardware-dependent and has no series here.
    /// </summary>
    private static async Task<IReadOnlyList<string>> MissingDataAsync(PrometheusServer prometheus, IReadOnlyList<GrafanaDashboard> dashboards)
    {
        var names = await prometheus.MetricNamesAsync();
        var missing = new List<string>();
        foreach (var dashboard in dashboards)
        {
            var all = dashboard.Variables.ToDictionary(v => v.Name, _ => ".*", StringComparer.Ordinal);
            foreach (var variable in dashboard.Variables.Where(v => v.Type == "query"))
            {
                var (selector, label) = GrafanaTemplate.LabelValues(variable.Query)
                    ?? throw new InvalidOperationException($"{dashboard.Name}: variable {variable.Name} is not label_values()");
                var expression = GrafanaTemplate.Substitute($"count by ({label}) ({selector})", all);
                if (!await HasDataAsync(prometheus, expression, $"{dashboard.Name}: variable {variable.Name}")
                    && !await HardwareMissingAsync(prometheus, expression))
                {
                    missing.Add($"{dashboard.Name}: variable {variable.Name}: {expression}");
                }
            }

            foreach (var panel in dashboard.DataPanels)
            {
                foreach (var (refId, expr) in GrafanaDashboard.Targets(panel))
                {
                    var what = $"{dashboard.Name}: {GrafanaDashboard.Describe(panel)} query {refId}";
                    var expression = GrafanaTemplate.Substitute(expr, all);
                    // A metric this machine cannot produce must at least be one a sampler writes elsewhere.
                    foreach (var (metric, _) in GrafanaTemplate.Selectors(expression).Where(s => !names.Contains(s.Metric) && HardwareDependentSeries.Matches(s.Metric, "")))
                    {
                        Assert.True(DeclaredSamplerMetrics.Declares(metric), $"{what} queries {metric}, which no sampler in {DeclaredSamplerMetrics.SourceDirectory} writes");
                    }

                    if (!await HasDataAsync(prometheus, expression, what) && !await HardwareMissingAsync(prometheus, expression))
                    {
                        missing.Add($"{what}: {expression}");
                    }
                }
            }
        }

        return missing;
    }

    private static async Task<bool> HasDataAsync(PrometheusServer prometheus, string expression, string what)
    {
        var (result, error) = await prometheus.QueryAsync(expression);
        Assert.True(error is null, $"{what} is not valid PromQL: {error}\n{expression}");
        return result!.Any(series => !IsNaN(series!["value"]?[1]));
    }

    /// <summary>True when the expression selects a hardware-dependent series that has no data on this machine.</summary>
    private static async Task<bool> HardwareMissingAsync(PrometheusServer prometheus, string expression)
    {
        foreach (var (metric, matchers) in GrafanaTemplate.Selectors(expression).Where(s => HardwareDependentSeries.Matches(s.Metric, s.Matchers)))
        {
            var (result, error) = await prometheus.QueryAsync($"count({metric}{matchers})");
            if (error is null && result!.Count == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNaN(JsonNode? value) =>
        value is null || (value.GetValueKind() == JsonValueKind.String && (string?)value is "NaN" or "+Inf" or "-Inf");
}
