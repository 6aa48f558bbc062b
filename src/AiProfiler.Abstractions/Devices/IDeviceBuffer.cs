namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Memory on one device holding <see cref="Length"/> elements of <see cref="Type"/>. Disposing releases the native
/// memory; a buffer may only be passed to operations of the device that allocated it.
/// </summary>
public interface IDeviceBuffer : IDisposable
{
    /// <summary>The device that owns this buffer.</summary>
    IDevice Device { get; }

    /// <summary>Number of elements.</summary>
    long Length { get; }

    /// <summary>The element type.</summary>
    DataType Type { get; }

    /// <summary>Size in bytes.</summary>
    long SizeInBytes => Length * Type.SizeInBytes();
}
