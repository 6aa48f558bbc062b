using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Host memory from /proc/meminfo. The Windows sampler writes the total and available series under the same names.</summary>
internal sealed class MeminfoSampler(string procRoot) : ISampler
{
    private static readonly (string Field, string Metric, string Description)[] Exported =
    [
        ("MemTotal", "host_memory_total", "Usable physical memory."),
        ("MemAvailable", "host_memory_available", "Memory available for new work without swapping (the kernel's estimate)."),
        ("MemFree", "host_memory_free", "Memory not used at all."),
        ("Buffers", "host_memory_buffers", "Memory in block-device buffers."),
        ("Cached", "host_memory_cached", "Memory in the page cache."),
        ("SwapTotal", "host_swap_total", "Swap space."),
        ("SwapFree", "host_swap_free", "Unused swap space."),
    ];

    private readonly string _path = Path.Combine(procRoot, "meminfo");

    public string Name => "meminfo";

    public string? Start() => File.Exists(_path) ? null : $"{_path} not found (not Linux, or Samplers:ProcRoot points elsewhere)";

    public void Collect(IMetricWriter writer)
    {
        var fields = MeminfoParser.Parse(File.ReadAllText(_path));
        foreach (var (field, metric, description) in Exported)
        {
            if (fields.TryGetValue(field, out var bytes))
            {
                writer.Gauge(metric, "By", description, bytes);
            }
        }
    }

    public void Dispose()
    {
    }
}
