using AiProfiler.Abstractions.Sampling;
using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Process;

/// <summary>The agent's own cost: CPU time, resident memory, threads, GC heap, collections and allocations.</summary>
internal sealed class ProcessSampler(string procRoot) : ISampler
{
    private readonly string _statusPath = Path.Combine(procRoot, "self", "status");
    private readonly bool _linux = OperatingSystem.IsLinux();

    public string Name => "process";

    public string? Start() => null;

    public void Collect(IMetricWriter writer)
    {
        var cpu = Environment.CpuUsage;
        writer.Counter("process_cpu", "s", "CPU time the agent's process used, per mode.", cpu.UserTime.TotalSeconds, Label.Of("mode", "user"));
        writer.Counter("process_cpu", "s", "CPU time the agent's process used, per mode.", cpu.PrivilegedTime.TotalSeconds, Label.Of("mode", "system"));

        // One read of /proc/self/status on Linux is far cheaper than Process.Threads, which opens every task.
        double resident;
        int threads;
        if (_linux)
        {
            var status = ProcessStatusParser.Parse(File.ReadAllText(_statusPath));
            resident = status.ResidentBytes;
            threads = status.Threads;
        }
        else
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            resident = process.WorkingSet64;
            threads = process.Threads.Count;
        }

        writer.Gauge("process_resident_memory", "By", "Resident memory of the agent's process.", resident);
        writer.Gauge("process_threads", string.Empty, "Threads of the agent's process.", threads);

        writer.Gauge("process_gc_heap_size", "By", "Managed heap size as of the last garbage collection.", GC.GetGCMemoryInfo().HeapSizeBytes);
        writer.Counter("process_gc_allocated", "By", "Bytes the agent allocated on the managed heap.", GC.GetTotalAllocatedBytes());
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            writer.Counter(
                "process_gc_collections",
                string.Empty,
                "Garbage collections per generation.",
                GC.CollectionCount(generation),
                Label.Of("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public void Dispose()
    {
    }
}
