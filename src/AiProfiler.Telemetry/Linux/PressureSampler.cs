using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Pressure stall information (/proc/pressure/*): time tasks were stalled waiting for CPU, memory, I/O or IRQs.</summary>
internal sealed class PressureSampler(string procRoot) : ISampler
{
    private static readonly string[] Resources = ["cpu", "memory", "io", "irq"];

    private readonly string _directory = Path.Combine(procRoot, "pressure");
    private string[] _present = [];

    public string Name => "pressure";

    public string? Start()
    {
        _present = Resources.Where(r => File.Exists(Path.Combine(_directory, r))).ToArray();
        return _present.Length > 0 ? null : $"{_directory} not found (kernel without pressure stall information, or not Linux)";
    }

    public void Collect(IMetricWriter writer)
    {
        foreach (var resource in _present)
        {
            // Reading needs no privilege, but a cgroup can hide a file; that resource then has no data this round.
            if (!SysfsValue.TryReadText(Path.Combine(_directory, resource), out var text))
            {
                continue;
            }

            foreach (var stall in PressureParser.Parse(text))
            {
                writer.Counter(
                    "host_pressure_stalled",
                    "s",
                    "Time some (or, for kind full, all) non-idle tasks were stalled waiting for the resource.",
                    stall.TotalSeconds,
                    Label.Of("resource", resource),
                    Label.Of("kind", stall.Kind));
            }
        }
    }

    public void Dispose()
    {
    }
}
