using AiProfiler.Abstractions.Devices;
using ILGPU;
using ILGPU.Runtime;
using IDevice = AiProfiler.Abstractions.Devices.IDevice;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Device memory of an <see cref="IlgpuDevice"/>, held as 32-bit words so every element type (fp32, int32, fp16,
/// bf16) is a cast of one allocation; at least one word, so an empty buffer behaves like any other.
/// </summary>
internal sealed class IlgpuBuffer : IDeviceBuffer
{
    private readonly IlgpuDevice _device;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _memory;

    public IlgpuBuffer(IlgpuDevice device, MemoryBuffer1D<int, Stride1D.Dense> memory, long length, DataType type)
    {
        _device = device;
        _memory = memory;
        Length = length;
        Type = type;
    }

    public IDevice Device => _device;

    public long Length { get; }

    public DataType Type { get; }

    public bool IsDisposed { get; private set; }

    /// <summary>Bytes allocated on the device.</summary>
    public long NativeBytes => _memory.LengthInBytes;

    /// <summary>The elements as <typeparamref name="T"/>, whose size the caller has checked against <see cref="Type"/>.</summary>
    public ArrayView<T> View<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return ((ArrayView<int>)_memory.View).Cast<T>().SubView(0, Length);
    }

    /// <summary>The whole allocation as <typeparamref name="T"/>, for kernels that pick the view matching a runtime type.</summary>
    public ArrayView<T> Words<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return ((ArrayView<int>)_memory.View).Cast<T>();
    }

    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        _memory.Dispose();
        _device.OnReleased(NativeBytes);
    }
}
