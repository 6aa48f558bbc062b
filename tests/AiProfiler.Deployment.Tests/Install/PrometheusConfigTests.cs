using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>install/prometheus/prometheus.yml is a valid configuration that scrapes the agent where it listens.</summary>
public sealed class PrometheusConfigTests
{
    private static readonly string ConfigFile = Repository.PathOf("install", "prometheus", "prometheus.yml");

    [Fact]
    public async Task PromtoolCheckConfig_ShippedFile_Passes()
    {
        var result = await ExternalCommand.RunAsync("promtool", ["check", "config", ConfigFile]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("SUCCESS", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void ScrapeConfig_ShippedFile_ScrapesTheAgentsDefaultPortAsJobAiprofiler()
    {
        var root = YamlReader.ReadFile(ConfigFile);
        var job = YamlReader.Map(Assert.Single(YamlReader.Seq(YamlReader.At(root, "scrape_configs"))));

        // The dashboards' job variable and the Kubernetes ServiceMonitor's jobLabel both give "aiprofiler".
        Assert.Equal("aiprofiler", job["job_name"]);
        Assert.Equal("/metrics", job["metrics_path"]);
        Assert.Equal(["localhost:9464"], YamlReader.Seq(YamlReader.At(job, "static_configs", 0, "targets")).Cast<string>());
    }
}
