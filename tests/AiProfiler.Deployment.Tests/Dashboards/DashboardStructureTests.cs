using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Dashboards;

/// <summary>
/// Every dashboard in dashboards/ imports cleanly into a current Grafana and reads its data the same way: datasource
/// from a variable, stable unique uids, the instance/device/workload variables, and panels that each have a query and
/// a unit.
/// </summary>
public sealed partial class DashboardStructureTests
{
    // Grafana 10.4 writes schemaVersion 39; older schemas are migrated on load and saved back changed.
    private const int MinimumSchemaVersion = 39;

    // Unit ids of Grafana's unit picker the dashboards use; "suffix:<text>" is Grafana's custom-unit syntax.
    private static readonly HashSet<string> KnownUnits = new(StringComparer.Ordinal)
    {
        "none", "short", "percentunit", "percent", "s", "ms", "bytes", "decbytes", "Bps", "binBps", "flops", "watt",
        "joule", "hertz", "celsius", "dateTimeFromNow", "dateTimeAsIso", "cpm", "cps",
    };

    private static readonly IReadOnlyList<GrafanaDashboard> All = GrafanaDashboard.LoadAll();

    public static TheoryData<string> Files => new(Repository.DashboardFiles.Select(Path.GetFileName).Cast<string>());

    [Fact]
    public void Dashboards_ArePresent_OverviewWorkloadsGpuAndHost()
    {
        Assert.Equal(["gpu.json", "host.json", "overview.json", "workloads.json"], All.Select(d => d.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Uids_AcrossDashboards_AreStableAndUnique()
    {
        var uids = All.Select(d => (string?)d.Json["uid"] ?? "").ToArray();

        Assert.All(uids, uid => Assert.Matches(StableUid(), uid));
        Assert.Equal(uids.Length, uids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(All.Count, All.Select(d => (string?)d.Json["title"]).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_WhenImported_HasACurrentSchemaAndNoDatabaseId(string file)
    {
        var dashboard = Load(file);

        Assert.True((int?)dashboard.Json["schemaVersion"] >= MinimumSchemaVersion, $"{file}: schemaVersion {(int?)dashboard.Json["schemaVersion"]} is older than {MinimumSchemaVersion}");
        Assert.Null(dashboard.Json["id"]);
        Assert.Contains("aiprofiler", dashboard.Json["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_EveryQuery_TakesItsDatasourceFromTheDatasourceVariable(string file)
    {
        var dashboard = Load(file);
        var datasource = Assert.Single(dashboard.Variables, v => v.Type == "datasource");
        Assert.Equal("prometheus", datasource.Query);

        var reference = "${" + datasource.Name + "}";
        foreach (var panel in dashboard.DataPanels)
        {
            Assert.True(UidOf(panel["datasource"]) == reference, $"{file}: {GrafanaDashboard.Describe(panel)} does not use {reference}");
            Assert.All(panel["targets"]!.AsArray(), t => Assert.Equal(reference, UidOf(t!["datasource"])));
        }

        Assert.All(dashboard.Variables.Where(v => v.Type == "query"), v => Assert.Equal(reference, UidOf(v.Json["datasource"])));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_Variables_IncludeInstanceDeviceAndWorkloadAsLabelValueQueries(string file)
    {
        var dashboard = Load(file);
        var names = dashboard.Variables.Select(v => v.Name).ToArray();

        Assert.Subset(names.ToHashSet(), new HashSet<string> { "datasource", "instance", "device", "workload" });
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var variable in dashboard.Variables.Where(v => v.Type == "query"))
        {
            Assert.True(GrafanaTemplate.LabelValues(variable.Query) is not null, $"{file}: variable {variable.Name} query '{variable.Query}' is not label_values(selector, label)");
            Assert.True((bool?)variable.Json["includeAll"] == true && (string?)variable.Json["allValue"] == ".*",
                $"{file}: variable {variable.Name} must offer All as .* so the =~ matchers take every value");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_EveryVariableReference_IsAVariableOfTheDashboardOrABuiltIn(string file)
    {
        var dashboard = Load(file);
        var defined = dashboard.Variables.Select(v => v.Name).Concat(GrafanaTemplate.BuiltIns.Keys).ToHashSet(StringComparer.Ordinal);
        var texts = dashboard.DataPanels.SelectMany(GrafanaDashboard.Targets).Select(t => t.Expr)
            .Concat(dashboard.Variables.Select(v => v.Query));

        Assert.All(texts.SelectMany(GrafanaTemplate.References), name => Assert.Contains(name, defined));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_EveryPanel_HasAQueryAndAKnownUnit(string file)
    {
        var dashboard = Load(file);
        Assert.NotEmpty(dashboard.DataPanels);
        foreach (var panel in dashboard.DataPanels)
        {
            var what = $"{file}: {GrafanaDashboard.Describe(panel)}";
            var targets = GrafanaDashboard.Targets(panel).ToArray();
            Assert.True(targets.Length > 0 && targets.All(t => t.Expr.Trim().Length > 0), $"{what} has no query, or a target without expr");
            Assert.True(targets.Select(t => t.RefId).Distinct(StringComparer.Ordinal).Count() == targets.Length, $"{what} repeats a refId");
            var units = new[] { (string?)panel["fieldConfig"]?["defaults"]?["unit"] }
                .Concat((panel["fieldConfig"]?["overrides"]?.AsArray() ?? []).SelectMany(o => o!["properties"]!.AsArray())
                    .Where(p => (string?)p!["id"] == "unit").Select(p => (string?)p!["value"]));
            Assert.All(units, unit => Assert.True(unit is not null && (KnownUnits.Contains(unit) || unit.StartsWith("suffix:", StringComparison.Ordinal)),
                $"{what}: unit '{unit}' is not a Grafana unit"));
            Assert.False(string.IsNullOrWhiteSpace((string?)panel["description"]), $"{what} has no description");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_Panels_HaveUniqueIdsAndDoNotOverlap(string file)
    {
        var dashboard = Load(file);
        var ids = dashboard.Panels.Select(p => (int?)p["id"]).ToArray();
        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());

        var boxes = dashboard.Panels.Select(p => (Panel: p, Box: p["gridPos"]!)).ToArray();
        foreach (var (panel, box) in boxes)
        {
            Assert.True((int)box["x"]! >= 0 && (int)box["x"]! + (int)box["w"]! <= 24, $"{file}: {GrafanaDashboard.Describe(panel)} leaves the 24-column grid");
        }

        for (var i = 0; i < boxes.Length; i++)
        {
            for (var j = i + 1; j < boxes.Length; j++)
            {
                Assert.False(Overlap(boxes[i].Box, boxes[j].Box), $"{file}: {GrafanaDashboard.Describe(boxes[i].Panel)} overlaps {GrafanaDashboard.Describe(boxes[j].Panel)}");
            }
        }
    }

    [Theory]
    [InlineData("overview.json", "up", "aiprofiler_build_info", "aiprofiler_plugin_info", "aiprofiler_backend_available", "aiprofiler_device_info", "aiprofiler_run_last_timestamp_seconds", "aiprofiler_sampler_success")]
    [InlineData("workloads.json", "aiprofiler_run_flops_per_second", "aiprofiler_run_bytes_per_second", "aiprofiler_run_items_per_second", "aiprofiler_run_latency_seconds", "histogram_quantile", "aiprofiler_run_duration_seconds_bucket", "aiprofiler_run_peak_flops_ratio", "aiprofiler_run_peak_bandwidth_ratio", "aiprofiler_run_roofline_ratio", "aiprofiler_workload_ttft_seconds", "aiprofiler_workload_tpot_seconds", "aiprofiler_workload_loss", "device=\"cpu\"", "aiprofiler_advice_max_concurrency", "aiprofiler_advice_predicted_ttft_seconds", "aiprofiler_advice_predicted_tpot_seconds", "aiprofiler_advice_meets_slo")]
    [InlineData("gpu.json", "aiprofiler_gpu_utilization_ratio", "aiprofiler_gpu_memory_used_bytes", "aiprofiler_gpu_power_watts", "aiprofiler_gpu_energy_joules_total", "aiprofiler_gpu_clock_hertz", "aiprofiler_gpu_clock_event_reason", "aiprofiler_gpu_pcie_throughput_bytes_per_second", "aiprofiler_gpu_sm_utilization_ratio", "aiprofiler_gpu_process_memory_used_bytes")]
    [InlineData("host.json", "aiprofiler_host_cpu_seconds_total", "aiprofiler_host_memory_available_bytes", "aiprofiler_host_cpu_frequency_hertz", "aiprofiler_host_rapl_energy_joules_total")]
    public void Dashboard_Queries_CoverWhatItsTitlePromises(string file, params string[] expected)
    {
        var queries = string.Join('\n', Load(file).DataPanels.SelectMany(GrafanaDashboard.Targets).Select(t => t.Expr));

        Assert.All(expected, e => Assert.Contains(e, queries, StringComparison.Ordinal));
    }

    private static GrafanaDashboard Load(string file) => All.Single(d => d.Name == file);

    private static string? UidOf(JsonNode? datasource) => datasource switch
    {
        JsonObject obj => (string?)obj["uid"],
        JsonValue value => (string?)value,
        _ => null,
    };

    private static bool Overlap(JsonNode a, JsonNode b) =>
        (int)a["x"]! < (int)b["x"]! + (int)b["w"]! && (int)b["x"]! < (int)a["x"]! + (int)a["w"]!
        && (int)a["y"]! < (int)b["y"]! + (int)b["h"]! && (int)b["y"]! < (int)a["y"]! + (int)a["h"]!;

    [GeneratedRegex("^aiprofiler-[a-z0-9-]{1,29}$")]
    private static partial Regex StableUid();
}
