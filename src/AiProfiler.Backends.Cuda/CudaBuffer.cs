using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda;

/// <summary>Device memory of one <see cref="CudaDevice"/>.</summary>
internal sealed class CudaBuffer(CudaDevice device, CudaMemoryHandle memory, long length, DataType type) : IDeviceBuffer
{
    public IDevice Device => device;

    public long Length { get; } = length;

    public DataType Type { get; } = type;

    /// <summary>The CUdeviceptr of element 0.</summary>
    internal ulong DevicePointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(memory.IsClosed, this);
            return memory.DevicePointer;
        }
    }

    public void Dispose() => memory.Dispose();

    /// <summary>The CUDA buffer behind <paramref name="buffer"/>, which must belong to <paramref name="owner"/>.</summary>
    internal static CudaBuffer Of(IDeviceBuffer buffer, CudaDevice owner, string role)
    {
        ArgumentNullException.ThrowIfNull(buffer, role);
        if (buffer is not CudaBuffer cuda || !ReferenceEquals(cuda.Device, owner))
        {
            throw new ArgumentException($"{role} belongs to device '{buffer.Device.Info.Id}', not '{owner.Info.Id}'; allocate it on the device that runs the operation", role);
        }

        return cuda;
    }
}
