using AiProfiler.Deployment.Tests.Support;
using static AiProfiler.Deployment.Tests.Support.YamlReader;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>
/// install/docker-compose.yml and its GPU override read as YAML and fit together with the files they mount (no Docker
/// engine here, so nothing is started).
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly string ComposeDirectory = Repository.Install;
    private static readonly object? Compose = ReadFile(Path.Combine(ComposeDirectory, "docker-compose.yml"));

    [Fact]
    public void Services_AreTheAgentPrometheusAndGrafana()
    {
        Assert.Equal(["agent", "grafana", "prometheus"], Map(At(Compose, "services")).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Volumes_EveryBindMountSource_Exists()
    {
        foreach (var (service, definition) in Map(At(Compose, "services")))
        {
            var volumes = Map(definition).TryGetValue("volumes", out var v) ? Seq(v) : [];
            foreach (var source in volumes.Select(Str).Select(m => m.Split(':')[0]).Where(s => s.StartsWith('.')))
            {
                var path = Path.GetFullPath(Path.Combine(ComposeDirectory, source));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{service} mounts {source}, which does not exist ({path})");
            }
        }
    }

    [Fact]
    public void Prometheus_UsesTheShippedConfigAndReachesTheAgentAsLocalhost()
    {
        Assert.Contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", Seq(At(Compose, "services", "prometheus", "volumes")).Select(Str));
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", Seq(At(Compose, "services", "prometheus", "command")).Select(Str));
        // prometheus.yml scrapes localhost:9464; the agent shares Prometheus' network namespace for that to hold.
        Assert.Equal("service:prometheus", At(Compose, "services", "agent", "network_mode"));
        Assert.Contains(Seq(At(Compose, "services", "prometheus", "ports")).Select(Str), p => p.EndsWith(":9464:9464", StringComparison.Ordinal));
    }

    [Fact]
    public void Agent_IsBuiltFromTheDockerfileAndRunsReadOnly()
    {
        var build = Map(At(Compose, "services", "agent", "build"));
        var dockerfile = Path.GetFullPath(Path.Combine(ComposeDirectory, Str(build["context"]), Str(build["dockerfile"])));

        Assert.True(File.Exists(dockerfile), dockerfile);
        Assert.Equal(Repository.Root.TrimEnd('/'), Path.GetFullPath(Path.Combine(ComposeDirectory, Str(build["context"]))).TrimEnd('/'));
        Assert.Equal("true", At(Compose, "services", "agent", "read_only"));
        Assert.Contains("\"--urls\", \"http://0.0.0.0:9464\"", File.ReadAllText(dockerfile), StringComparison.Ordinal);
    }

    [Fact]
    public void Grafana_MountsTheProvisioningAndTheDashboardsWhereTheProviderLooks()
    {
        var volumes = Seq(At(Compose, "services", "grafana", "volumes")).Select(Str).ToArray();
        var provider = ReadFile(Repository.PathOf("dashboards", "provisioning", "dashboards", "aiprofiler.yaml"));
        var providerPath = Str(At(provider, "providers", 0, "options", "path"));

        Assert.Contains("../dashboards/provisioning/datasources:/etc/grafana/provisioning/datasources:ro", volumes);
        Assert.Contains("../dashboards/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro", volumes);
        Assert.Contains($"../dashboards:{providerPath}:ro", volumes);
    }

    [Fact]
    public void GpuOverride_ReservesNvidiaGpusForTheAgent()
    {
        var gpu = ReadFile(Path.Combine(ComposeDirectory, "docker-compose.gpu.yml"));
        var device = Map(At(gpu, "services", "agent", "deploy", "resources", "reservations", "devices", 0));

        Assert.Equal("nvidia", device["driver"]);
        Assert.Contains("gpu", Seq(device["capabilities"]).Select(Str));
    }
}
