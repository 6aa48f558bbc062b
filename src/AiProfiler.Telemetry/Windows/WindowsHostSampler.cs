using System.ComponentModel;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Windows;

/// <summary>
/// Host CPU time and memory on Windows, under the same metric names as the Linux samplers so one dashboard serves
/// both. GetSystemTimes sums all CPUs, so the cpu label is "all".
/// </summary>
internal sealed class WindowsHostSampler : ISampler
{
    public string Name => "windows";

    public string? Start() => OperatingSystem.IsWindows() ? null : "not Windows";

    public void Collect(IMetricWriter writer)
    {
        if (!OperatingSystem.IsWindows())
        {
            return;
        }

        if (!Kernel32.GetSystemTimes(out var idle, out var kernel, out var user))
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "GetSystemTimes failed");
        }

        const string cpuDescription = "CPU time spent per CPU and mode.";
        writer.Counter("host_cpu", "s", cpuDescription, user.Seconds, Label.Of("cpu", "all"), Label.Of("mode", "user"));
        writer.Counter("host_cpu", "s", cpuDescription, kernel.Seconds - idle.Seconds, Label.Of("cpu", "all"), Label.Of("mode", "system"));
        writer.Counter("host_cpu", "s", cpuDescription, idle.Seconds, Label.Of("cpu", "all"), Label.Of("mode", "idle"));

        var memory = new MemoryStatusEx { Length = (uint)Marshal.SizeOf<MemoryStatusEx>() };
        if (!Kernel32.GlobalMemoryStatusEx(ref memory))
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "GlobalMemoryStatusEx failed");
        }

        writer.Gauge("host_memory_total", "By", "Usable physical memory.", memory.TotalPhys);
        writer.Gauge("host_memory_available", "By", "Memory available for new work without swapping (the kernel's estimate).", memory.AvailPhys);
    }

    public void Dispose()
    {
    }
}
