using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// Times queued work with marker events on the profiling queue: the elapsed time is between the ends of the start and
/// stop markers as the device's clock saw them, so host-side launch overhead is not counted.
/// </summary>
internal sealed unsafe class OpenClTimer : IDeviceTimer
{
    private readonly ClCommandQueueHandle _queue;
    private ClEventHandle? _start;
    private ClEventHandle? _stop;
    private double _elapsed;

    public OpenClTimer(ClCommandQueueHandle queue)
    {
        _queue = queue;
    }

    public double ElapsedSeconds => _elapsed;

    public void Start()
    {
        ReleaseEvents();
        _start = Marker();
    }

    public void Stop()
    {
        if (_start is null)
        {
            throw new InvalidOperationException("the timer was stopped before it was started; call Start first");
        }

        _stop?.Dispose();
        _stop = Marker();
        var raw = _stop.DangerousGetHandle();
        OpenClException.Check(OpenClNative.clWaitForEvents(1, &raw), "clWaitForEvents");
        var begin = EndTime(_start);
        var end = EndTime(_stop);
        _elapsed = Math.Max(0, (long)(end - begin)) * 1e-9;
    }

    public void Dispose() => ReleaseEvents();

    private ClEventHandle Marker()
    {
        nint evt;
        OpenClException.Check(OpenClNative.clEnqueueMarkerWithWaitList(_queue, 0, null, &evt), "clEnqueueMarkerWithWaitList");
        return new ClEventHandle(evt);
    }

    private static ulong EndTime(ClEventHandle evt)
    {
        ulong nanoseconds;
        OpenClException.Check(OpenClNative.clGetEventProfilingInfo(evt, ClConstants.ProfilingCommandEnd, sizeof(ulong), &nanoseconds, null), "clGetEventProfilingInfo");
        return nanoseconds;
    }

    private void ReleaseEvents()
    {
        _start?.Dispose();
        _stop?.Dispose();
        _start = null;
        _stop = null;
    }
}
