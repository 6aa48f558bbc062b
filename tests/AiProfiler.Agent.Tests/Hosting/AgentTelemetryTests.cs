namespace AiProfiler.Agent.Tests.Hosting;

/// <summary>The hardware samplers as the agent runs them.</summary>
public sealed class AgentTelemetryTests : IDisposable
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"aiprofiler-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_config);

    [Theory]
    [InlineData("""{ "Samplers": { "nvm": { "Enabled": false } } }""", "Samplers:nvm is not a known sampler; known samplers: cpu, cpufreq, hwmon, loadavg, meminfo, nvml, pressure, process, rapl, windows.")]
    [InlineData("""{ "Samplers": { "cpu": { "IntervalSeconds": 0 } } }""", "Samplers:cpu:IntervalSeconds is 0; it must be between 0.1 and 3600 seconds.")]
    public async Task Run_BadSamplerConfiguration_ExitsOneNamingTheKey(string json, string expected)
    {
        File.WriteAllText(_config, json);

        var run = await CliRun.Invoke("run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config, "--plugins", Repository.Plugins);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"aiprofiler: configuration error: {expected}{Environment.NewLine}", run.Error);
    }
}
