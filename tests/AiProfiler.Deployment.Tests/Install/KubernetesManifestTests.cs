using System.Text.Json;
using AiProfiler.Deployment.Tests.Support;
using static AiProfiler.Deployment.Tests.Support.YamlReader;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>install/kubernetes: the DaemonSet, Service and ServiceMonitor read as YAML and select each other.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Repository.PathOf("install", "kubernetes");

    private static readonly Dictionary<string, object?> DaemonSet = Manifest("daemonset.yaml", "apps/v1", "DaemonSet");
    private static readonly Dictionary<string, object?> Service = Manifest("service.yaml", "v1", "Service");
    private static readonly Dictionary<string, object?> ServiceMonitor = Manifest("servicemonitor.yaml", "monitoring.coreos.com/v1", "ServiceMonitor");

    private static Dictionary<string, object?> Pod => Map(At(DaemonSet, "spec", "template", "spec"));

    private static Dictionary<string, object?> Container => Map(Assert.Single(Seq(Pod["containers"])));

    [Fact]
    public void DaemonSet_Selector_MatchesItsPodLabels()
    {
        var selector = Map(At(DaemonSet, "spec", "selector", "matchLabels"));
        var labels = Map(At(DaemonSet, "spec", "template", "metadata", "labels"));

        Assert.All(selector, pair => Assert.Equal(pair.Value, labels[pair.Key]));
    }

    [Fact]
    public void DaemonSet_Pod_RunsUnprivilegedWithAReadOnlyRootAndWithoutTheHostsPids()
    {
        Assert.Equal("false", Pod["hostPID"]);
        Assert.Equal("true", At(Pod, "securityContext", "runAsNonRoot"));
        Assert.Equal("true", At(Container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", At(Container, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], Seq(At(Container, "securityContext", "capabilities", "drop")).Select(Str));
        Assert.NotNull(At(Container, "resources", "requests", "cpu"));
        Assert.NotNull(At(Container, "resources", "limits", "memory"));
    }

    [Fact]
    public void DaemonSet_Probes_AskHealthzAndReadyzOnTheMetricsPort()
    {
        var port = Map(Assert.Single(Seq(Container["ports"])));

        Assert.Equal("metrics", port["name"]);
        Assert.Equal("9464", port["containerPort"]);
        Assert.Equal("/healthz", At(Container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("metrics", At(Container, "livenessProbe", "httpGet", "port"));
        Assert.Equal("/readyz", At(Container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("metrics", At(Container, "readinessProbe", "httpGet", "port"));
    }

    [Fact]
    public void DaemonSet_Affinity_SelectsGpuNodesByTheDocumentedLabels()
    {
        var terms = Seq(At(Pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"));
        var keys = terms.SelectMany(t => Seq(At(t, "matchExpressions"))).Select(e => Str(At(e, "key"))).ToArray();
        var docs = File.ReadAllText(Repository.PathOf("README.md"));

        Assert.Equal(["nvidia.com/gpu.present", "aiprofiler.io/enabled"], keys);
        Assert.All(keys, key => Assert.Contains(key, docs, StringComparison.Ordinal));
    }

    [Fact]
    public void DaemonSet_Config_ReplacesTheAgentsOwnAppsettingsWithTheConfigMap()
    {
        var configMap = Manifest("configmap.yaml", "v1", "ConfigMap");
        var mount = Seq(Container["volumeMounts"]).Select(Map).Single(m => Str(m["name"]) == "config");
        var volume = Seq(Pod["volumes"]).Select(Map).Single(v => Str(v["name"]) == "config");
        var dockerfile = File.ReadAllText(Repository.PathOf("install", "Dockerfile"));

        // The image runs /app/aiprofiler.dll, which reads the appsettings.json beside it; the ConfigMap takes its place.
        Assert.Contains("\"/app/aiprofiler.dll\"", dockerfile, StringComparison.Ordinal);
        Assert.Equal(At(configMap, "metadata", "name"), At(volume, "configMap", "name"));
        Assert.Equal("/app/appsettings.json", mount["mountPath"]);
        Assert.Equal("appsettings.json", mount["subPath"]);
        Assert.False(Container.ContainsKey("args"));
        using var json = JsonDocument.Parse(Str(At(configMap, "data", "appsettings.json")));
        Assert.Equal("/host/proc", json.RootElement.GetProperty("Samplers").GetProperty("ProcRoot").GetString());
        Assert.Contains(Seq(Container["volumeMounts"]).Select(Map), m => Str(m["mountPath"]) == "/host/proc");
    }

    [Fact]
    public async Task ConfigMap_Configuration_IsAcceptedByTheAgent()
    {
        var configMap = Manifest("configmap.yaml", "v1", "ConfigMap");
        using var temp = new TemporaryDirectory();
        var agentDll = AgentProcess.CopyWithSettings(temp.File("agent"), Str(At(configMap, "data", "appsettings.json")));

        // The agent validates its options and the schedule against the workloads and devices it has before it listens.
        using var agent = AgentProcess.Start(agentDll: agentDll);
        await agent.WaitListeningAsync();

        Assert.DoesNotContain("configuration error", agent.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_SelectsTheAgentPodsAndNamesItsPortMetrics()
    {
        var labels = Map(At(DaemonSet, "spec", "template", "metadata", "labels"));
        var port = Map(Assert.Single(Seq(At(Service, "spec", "ports"))));

        Assert.All(Map(At(Service, "spec", "selector")), pair => Assert.Equal(pair.Value, labels[pair.Key]));
        Assert.Equal("metrics", port["name"]);
        Assert.Equal("9464", port["port"]);
        Assert.Equal("metrics", port["targetPort"]);
        Assert.Equal(At(DaemonSet, "metadata", "namespace"), At(Service, "metadata", "namespace"));
    }

    [Fact]
    public void ServiceMonitor_SelectsTheServiceAndScrapesItsMetricsPort()
    {
        var serviceLabels = Map(At(Service, "metadata", "labels"));
        var endpoint = Map(Assert.Single(Seq(At(ServiceMonitor, "spec", "endpoints"))));

        Assert.All(Map(At(ServiceMonitor, "spec", "selector", "matchLabels")), pair => Assert.Equal(pair.Value, serviceLabels[pair.Key]));
        Assert.Contains(At(Service, "metadata", "namespace"), Seq(At(ServiceMonitor, "spec", "namespaceSelector", "matchNames")));
        Assert.Equal("metrics", endpoint["port"]);
        Assert.Equal("/metrics", endpoint["path"]);
        // The job label is the Service's app.kubernetes.io/name, "aiprofiler", as in the static Prometheus config.
        Assert.Equal("aiprofiler", serviceLabels[Str(At(ServiceMonitor, "spec", "jobLabel"))]);
    }

    [Fact]
    public void Kustomization_ListsEveryManifest()
    {
        var resources = Seq(At(ReadFile(Path.Combine(Folder, "kustomization.yaml")), "resources")).Select(Str).Order(StringComparer.Ordinal);
        var files = Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);

        Assert.Equal(files, resources);
    }

    private static Dictionary<string, object?> Manifest(string file, string apiVersion, string kind)
    {
        var manifest = Map(ReadFile(Path.Combine(Folder, file)));
        Assert.Equal(apiVersion, manifest["apiVersion"]);
        Assert.Equal(kind, manifest["kind"]);
        return manifest;
    }
}
