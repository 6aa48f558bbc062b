using AiProfiler.Abstractions.Devices;
using ILGPU.Runtime;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Times queued work with ILGPU profiling markers on the device's stream: CUDA and OpenCL events on GPUs, timestamps
/// taken in stream order on the CPU emulator.
/// </summary>
internal sealed class IlgpuTimer(AcceleratorStream stream) : IDeviceTimer
{
    private ProfilingMarker? _start;

    public double ElapsedSeconds { get; private set; }

    public void Start()
    {
        _start?.Dispose();
        _start = stream.AddProfilingMarker();
    }

    public void Stop()
    {
        var start = _start ?? throw new InvalidOperationException("Stop was called before Start");
        using var end = stream.AddProfilingMarker();
        end.Synchronize();
        ElapsedSeconds = end.MeasureFrom(start).TotalSeconds;
    }

    public void Dispose()
    {
        _start?.Dispose();
        _start = null;
    }
}
