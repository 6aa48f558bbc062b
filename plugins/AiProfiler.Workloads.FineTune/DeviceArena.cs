using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// Owns every buffer of one prepared model, so disposal releases all of them even after a failed preparation, and
/// sums their sizes: the sum is the step's peak device memory, since nothing is allocated while a step runs.
/// </summary>
internal sealed class DeviceArena : IDisposable
{
    private readonly List<IDeviceBuffer> _buffers = [];

    public DeviceArena(IDevice device)
    {
        Device = device;
    }

    public IDevice Device { get; }

    public ITensorOps Ops => Device.Ops;

    /// <summary>Bytes of all buffers allocated so far.</summary>
    public long AllocatedBytes { get; private set; }

    public IDeviceBuffer Allocate(long length, DataType type = DataType.Float32)
    {
        var buffer = Device.Allocate(length, type);
        _buffers.Add(buffer);
        AllocatedBytes += buffer.SizeInBytes;
        return buffer;
    }

    public void Dispose()
    {
        for (var i = _buffers.Count - 1; i >= 0; i--)
        {
            _buffers[i].Dispose();
        }

        _buffers.Clear();
    }
}
