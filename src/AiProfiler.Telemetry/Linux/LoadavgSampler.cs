using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
internal sealed class LoadavgSampler(string procRoot) : ISampler
{
    private readonly string _path = Path.Combine(procRoot, "loadavg");

    public string Name => "loadavg";

    public string? Start() => File.Exists(_path) ? null : $"{_path} not found (not Linux, or Samplers:ProcRoot points elsewhere)";

    public void Collect(IMetricWriter writer)
    {
        var load = LoadavgParser.Parse(File.ReadAllText(_path));
        writer.Gauge("host_load1", string.Empty, "Run-queue length averaged over 1 minute.", load.One);
        writer.Gauge("host_load5", string.Empty, "Run-queue length averaged over 5 minutes.", load.Five);
        writer.Gauge("host_load15", string.Empty, "Run-queue length averaged over 15 minutes.", load.Fifteen);
    }

    public void Dispose()
    {
    }
}
