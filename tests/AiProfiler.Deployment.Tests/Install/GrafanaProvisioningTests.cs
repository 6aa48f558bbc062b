using AiProfiler.Deployment.Tests.Support;
using static AiProfiler.Deployment.Tests.Support.YamlReader;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>dashboards/provisioning: a Prometheus datasource the dashboards' variable finds, and a provider that loads them.</summary>
public sealed class GrafanaProvisioningTests
{
    [Fact]
    public void Datasource_IsTheDefaultPrometheusOfTheComposeFile()
    {
        var file = ReadFile(Repository.PathOf("dashboards", "provisioning", "datasources", "prometheus.yaml"));
        var datasource = Map(Assert.Single(Seq(At(file, "datasources"))));
        var compose = ReadFile(Repository.PathOf("install", "docker-compose.yml"));

        Assert.Equal("1", At(file, "apiVersion"));
        Assert.Equal("prometheus", datasource["type"]);
        Assert.Equal("true", datasource["isDefault"]);
        Assert.Equal("http://prometheus:9090", datasource["url"]);
        Assert.Contains("127.0.0.1:9090:9090", Seq(At(compose, "services", "prometheus", "ports")).Select(Str));
    }

    [Fact]
    public void DashboardProvider_LoadsJsonFilesIntoTheAiProfilerFolder()
    {
        var file = ReadFile(Repository.PathOf("dashboards", "provisioning", "dashboards", "aiprofiler.yaml"));
        var provider = Map(Assert.Single(Seq(At(file, "providers"))));

        Assert.Equal("1", At(file, "apiVersion"));
        Assert.Equal("file", provider["type"]);
        Assert.Equal("AiProfiler", provider["folder"]);
        Assert.StartsWith("/var/lib/grafana/dashboards/", Str(At(provider, "options", "path")), StringComparison.Ordinal);
    }
}
