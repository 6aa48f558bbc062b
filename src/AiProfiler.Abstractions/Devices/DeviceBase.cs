using System.Globalization;
using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Kernels;
using static AiProfiler.Abstractions.Devices.DeviceArgumentChecks;

namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// The base of every backend's <see cref="IDevice"/>: <see cref="Allocate"/>, <see cref="Write{T}"/> and
/// <see cref="Read{T}"/> check their arguments here (a device still open, a length that fits the free memory, a
/// buffer of this device, a span whose elements have the buffer's element size, a range inside the buffer), then
/// call the backend's protected <c>...Core</c> method, so every backend reports the same mistake with the same
/// message.
/// </summary>
public abstract class DeviceBase : IDevice
{
    /// <inheritdoc />
    public abstract DeviceInfo Info { get; }

    /// <inheritdoc />
    public abstract long AvailableMemoryBytes { get; }

    /// <inheritdoc />
    public abstract ITensorOps Ops { get; }

    /// <inheritdoc />
    public abstract IKernelCompiler? Kernels { get; }

    /// <summary>Whether <see cref="Dispose()"/> has run; every operation of a disposed device throws <see cref="ObjectDisposedException"/>.</summary>
    protected bool IsDisposed { get; private set; }

    /// <inheritdoc />
    public IDeviceBuffer Allocate(long length, DataType type = DataType.Float32)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type; use Float32, Float16, BFloat16 or Int32");
        }

        var size = type.SizeInBytes();
        var bytes = length > long.MaxValue / size ? long.MaxValue : length * size;
        var available = AvailableMemoryBytes;
        if (bytes > available)
        {
            throw new InsufficientDeviceMemoryException(Info.Id, bytes, available);
        }

        return AllocateCore(length, type, bytes);
    }

    /// <inheritdoc />
    public void Write<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
        where T : unmanaged
    {
        CheckTransfer<T>(destination, offset, source.Length);
        WriteCore(destination, source, offset);
    }

    /// <inheritdoc />
    public void Read<T>(IDeviceBuffer source, Span<T> destination, long offset = 0)
        where T : unmanaged
    {
        CheckTransfer<T>(source, offset, destination.Length);
        ReadCore(source, destination, offset);
    }

    /// <inheritdoc />
    public abstract IDeviceTimer CreateTimer();

    /// <inheritdoc />
    public abstract void Synchronize();

    /// <summary>Releases the device once; later calls do nothing.</summary>
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the device is disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Releases the device's native resources; called once, by <see cref="Dispose()"/>.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary><see cref="Allocate"/> on checked arguments: <paramref name="bytes"/> fit the available memory.</summary>
    /// <param name="length">Elements.</param>
    /// <param name="type">Element type.</param>
    /// <param name="bytes"><paramref name="length"/> times the element size.</param>
    /// <returns>A zero-filled buffer.</returns>
    protected abstract IDeviceBuffer AllocateCore(long length, DataType type, long bytes);

    /// <summary><see cref="Write{T}"/> on checked arguments: a buffer of this device, elements of its size, a range inside it.</summary>
    /// <typeparam name="T">Host element type.</typeparam>
    /// <param name="destination">Buffer of this device.</param>
    /// <param name="source">Host data.</param>
    /// <param name="offset">First element written.</param>
    protected abstract void WriteCore<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset)
        where T : unmanaged;

    /// <summary><see cref="Read{T}"/> on checked arguments: a buffer of this device, elements of its size, a range inside it.</summary>
    /// <typeparam name="T">Host element type.</typeparam>
    /// <param name="source">Buffer of this device.</param>
    /// <param name="destination">Host data.</param>
    /// <param name="offset">First element read.</param>
    protected abstract void ReadCore<T>(IDeviceBuffer source, Span<T> destination, long offset)
        where T : unmanaged;

    private void CheckTransfer<T>(IDeviceBuffer buffer, long offset, int count, [CallerArgumentExpression(nameof(buffer))] string name = "")
        where T : unmanaged
    {
        ThrowIfDisposed();
        Owned(this, buffer, name);
        var size = Unsafe.SizeOf<T>();
        if (size != buffer.Type.SizeInBytes())
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"buffer '{name}' holds {buffer.Type.ShortName()} ({buffer.Type.SizeInBytes()} bytes each) but the span's elements have {size} bytes; use a span of a matching type"), name);
        }

        Range(buffer, "buffer '" + name + "'", offset, count, name);
    }
}
