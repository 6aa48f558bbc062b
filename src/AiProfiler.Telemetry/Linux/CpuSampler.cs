using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>CPU time per CPU and mode from /proc/stat, as a seconds counter.</summary>
internal sealed class CpuSampler(string procRoot) : ISampler
{
    private readonly string _path = Path.Combine(procRoot, "stat");

    public string Name => "cpu";

    public string? Start() => File.Exists(_path) ? null : $"{_path} not found (not Linux, or Samplers:ProcRoot points elsewhere)";

    public void Collect(IMetricWriter writer)
    {
        foreach (var cpu in ProcStatParser.Parse(File.ReadAllText(_path)))
        {
            for (var mode = 0; mode < ProcStatParser.Modes.Length; mode++)
            {
                writer.Counter(
                    "host_cpu",
                    "s",
                    "CPU time spent per CPU and mode.",
                    cpu.Ticks[mode] / ProcStatParser.TicksPerSecond,
                    Label.Of("cpu", cpu.Cpu),
                    Label.Of("mode", ProcStatParser.Modes[mode]));
            }
        }
    }

    public void Dispose()
    {
    }
}
