using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Current and maximum frequency per CPU from cpufreq (sysfs, in kHz).</summary>
internal sealed class CpufreqSampler(string sysRoot) : ISampler
{
    private readonly string _directory = Path.Combine(sysRoot, "devices", "system", "cpu");
    private (string Cpu, string Directory)[] _cpus = [];

    public string Name => "cpufreq";

    public string? Start()
    {
        if (Directory.Exists(_directory))
        {
            _cpus = Directory.EnumerateDirectories(_directory, "cpu*")
                .Select(d => (Cpu: Path.GetFileName(d)[3..], Directory: Path.Combine(d, "cpufreq")))
                .Where(c => c.Cpu.Length > 0 && c.Cpu.All(char.IsAsciiDigit) && File.Exists(Path.Combine(c.Directory, "scaling_cur_freq")))
                .OrderBy(c => int.Parse(c.Cpu, System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
        }

        return _cpus.Length > 0 ? null : $"no cpufreq directory under {_directory} (no frequency driver, as in most VMs)";
    }

    public void Collect(IMetricWriter writer)
    {
        foreach (var (cpu, directory) in _cpus)
        {
            if (SysfsValue.TryRead(Path.Combine(directory, "scaling_cur_freq"), out var current))
            {
                writer.Gauge("host_cpu_frequency", "Hz", "Current CPU frequency as the cpufreq driver reports it.", current * 1000d, Label.Of("cpu", cpu));
            }

            if (SysfsValue.TryRead(Path.Combine(directory, "cpuinfo_max_freq"), out var max))
            {
                writer.Gauge("host_cpu_frequency_max", "Hz", "Highest frequency the CPU can run at.", max * 1000d, Label.Of("cpu", cpu));
            }
        }
    }

    public void Dispose()
    {
    }
}
