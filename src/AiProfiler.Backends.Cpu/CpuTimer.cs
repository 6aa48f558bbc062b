using System.Diagnostics;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>CPU operations run synchronously, so a monotonic clock around them is device-accurate.</summary>
internal sealed class CpuTimer : IDeviceTimer
{
    private long _start;
    private long _stop;

    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_start, _stop).TotalSeconds;

    public void Start() => _start = Stopwatch.GetTimestamp();

    public void Stop() => _stop = Stopwatch.GetTimestamp();

    public void Dispose()
    {
    }
}
