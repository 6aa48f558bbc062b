using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda;

/// <summary>Times work on the device's stream with a pair of CUDA events (cuEventElapsedTime, about 0.5 µs resolution).</summary>
internal sealed class CudaEventTimer : IDeviceTimer
{
    private readonly CudaDevice _device;
    private readonly CudaEventHandle _start;
    private readonly CudaEventHandle _stop;
    private bool _started;
    private double? _elapsedSeconds;

    internal CudaEventTimer(CudaDevice device)
    {
        _device = device;
        _start = device.CreateEvent();
        try
        {
            _stop = device.CreateEvent();
        }
        catch
        {
            _start.Dispose();
            throw;
        }
    }

    public double ElapsedSeconds =>
        _elapsedSeconds ?? throw new InvalidOperationException("the timer has not been started and stopped");

    public void Start()
    {
        _device.MakeCurrent();
        CudaCheck.Driver(CudaDriverApi.cuEventRecord(_start.DangerousGetHandle(), _device.Stream), nameof(CudaDriverApi.cuEventRecord));
        _started = true;
        _elapsedSeconds = null;
    }

    public void Stop()
    {
        if (!_started)
        {
            throw new InvalidOperationException("Stop was called before Start");
        }

        _device.MakeCurrent();
        CudaCheck.Driver(CudaDriverApi.cuEventRecord(_stop.DangerousGetHandle(), _device.Stream), nameof(CudaDriverApi.cuEventRecord));
        CudaCheck.Driver(CudaDriverApi.cuEventSynchronize(_stop.DangerousGetHandle()), nameof(CudaDriverApi.cuEventSynchronize));
        CudaCheck.Driver(
            CudaDriverApi.cuEventElapsedTime(out var milliseconds, _start.DangerousGetHandle(), _stop.DangerousGetHandle()),
            nameof(CudaDriverApi.cuEventElapsedTime));
        _elapsedSeconds = milliseconds / 1e3;
        _started = false;
    }

    public void Dispose()
    {
        _start.Dispose();
        _stop.Dispose();
    }
}
