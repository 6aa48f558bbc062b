using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>A <c>cl_mem</c> buffer of one device; disposing releases it (once, however often it is called).</summary>
internal sealed class OpenClBuffer : IDeviceBuffer
{
    private readonly OpenClDevice _device;
    private readonly long _nativeBytes;
    private int _disposed;

    public OpenClBuffer(OpenClDevice device, ClMemHandle handle, long length, DataType type, long nativeBytes)
    {
        _device = device;
        Handle = handle;
        Length = length;
        Type = type;
        _nativeBytes = nativeBytes;
    }

    public IDevice Device => _device;

    public long Length { get; }

    public DataType Type { get; }

    internal ClMemHandle Handle { get; }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Handle.Dispose();
        _device.OnReleased(_nativeBytes);
    }
}
