using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

/// <summary>Named buffers on one device, filled from host arrays and read back, released together.</summary>
internal sealed class TensorSet : IDisposable
{
    private readonly Dictionary<string, IDeviceBuffer> _buffers = [];

    public TensorSet(IDevice device)
    {
        Device = device;
    }

    public IDevice Device { get; }

    public IDeviceBuffer this[string name] => _buffers[name];

    public TensorSet Add(string name, float[] data)
    {
        var buffer = Device.Allocate(data.Length);
        Device.Write<float>(buffer, data);
        _buffers.Add(name, buffer);
        return this;
    }

    public TensorSet Add(string name, int[] data)
    {
        var buffer = Device.Allocate(data.Length, DataType.Int32);
        Device.Write<int>(buffer, data);
        _buffers.Add(name, buffer);
        return this;
    }

    public TensorSet Add(string name, ushort[] data, DataType type)
    {
        var buffer = Device.Allocate(data.Length, type);
        Device.Write<ushort>(buffer, data);
        _buffers.Add(name, buffer);
        return this;
    }

    public TensorSet Zeros(string name, long length, DataType type = DataType.Float32)
    {
        _buffers.Add(name, Device.Allocate(length, type));
        return this;
    }

    public float[] Read(string name)
    {
        var buffer = _buffers[name];
        var data = new float[buffer.Length];
        Device.Read<float>(buffer, data);
        return data;
    }

    public ushort[] ReadBits(string name)
    {
        var buffer = _buffers[name];
        var data = new ushort[buffer.Length];
        Device.Read<ushort>(buffer, data);
        return data;
    }

    public int[] ReadInts(string name)
    {
        var buffer = _buffers[name];
        var data = new int[buffer.Length];
        Device.Read<int>(buffer, data);
        return data;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers.Values)
        {
            buffer.Dispose();
        }
    }
}
