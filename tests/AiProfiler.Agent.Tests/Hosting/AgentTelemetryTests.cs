using System.Runtime.InteropServices;

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

    [Fact]
    public async Task Run_LiveAgent_OneScrapeCarriesHostProcessAndSamplerSeriesBesideTheGemmRun()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc and /sys, which only Linux has");

        using var agent = AgentProcess.Start();

        // The default schedule runs GEMM on the CPU a second after start; the samplers run every second from start.
        var body = await agent.WaitForAsync("/metrics", b =>
            b.Contains("aiprofiler_run_flops_per_second{", StringComparison.Ordinal)
            && b.Contains("aiprofiler_host_cpu_seconds_total{", StringComparison.Ordinal)
            && b.Contains("aiprofiler_process_cpu_seconds_total{", StringComparison.Ordinal));

        Assert.Contains("# TYPE aiprofiler_host_cpu_seconds_total counter", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_host_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} ", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_host_memory_available_bytes ", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_host_load1 ", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_process_resident_memory_bytes ", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_process_gc_collections_total{generation=\"0\"} ", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_sampler_success{sampler=\"cpu\"} 1", body, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_sampler_duration_seconds{sampler=\"cpu\"} ", body, StringComparison.Ordinal);
        if (!NativeLibrary.TryLoad("libnvidia-ml.so.1", out _))
        {
            Assert.Contains("aiprofiler_sampler_success{sampler=\"nvml\"} 0", body, StringComparison.Ordinal);
            Assert.Single(agent.Log.Split('\n'), l => l.Contains("sampler nvml unavailable: libnvidia-ml.so.1 not found (no NVIDIA driver)", StringComparison.Ordinal));
        }
    }
}
