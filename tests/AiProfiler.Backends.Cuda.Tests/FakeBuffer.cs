using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cuda.Tests;

/// <summary>A buffer that only knows its shape, for checks that run before anything reaches a device.</summary>
internal sealed class FakeBuffer(long length, DataType type = DataType.Float32) : IDeviceBuffer
{
    public IDevice Device => throw new NotSupportedException("a fake buffer has no device");

    public long Length { get; } = length;

    public DataType Type { get; } = type;

    public void Dispose()
    {
    }
}
