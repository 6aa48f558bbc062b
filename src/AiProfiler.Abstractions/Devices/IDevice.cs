using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// One opened compute device: memory, the tensor operations the bundled workloads are written against, timing, and
/// (on accelerators) a compiler for custom kernels. Operations are queued in order on one queue; reads and
/// <see cref="Synchronize"/> wait for queued work. Instances are not thread-safe: the runner uses one at a time.
/// </summary>
public interface IDevice : IDisposable
{
    /// <summary>Identity, memory and peak estimates.</summary>
    DeviceInfo Info { get; }

    /// <summary>
    /// Bytes that can be allocated now. Accelerators report the driver's free memory; the CPU reports the host's
    /// available memory minus a safety margin.
    /// </summary>
    long AvailableMemoryBytes { get; }

    /// <summary>The tensor operations on this device.</summary>
    ITensorOps Ops { get; }

    /// <summary>The compiler for custom kernels written in the portable C dialect; null on the CPU.</summary>
    IKernelCompiler? Kernels { get; }

    /// <summary>
    /// Allocates a zero-filled buffer of <paramref name="length"/> elements. Throws
    /// <see cref="InsufficientDeviceMemoryException"/> when it does not fit, before any native allocation is tried.
    /// </summary>
    IDeviceBuffer Allocate(long length, DataType type = DataType.Float32);

    /// <summary>Copies host data into <paramref name="destination"/> starting at element <paramref name="offset"/>.</summary>
    void Write<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
        where T : unmanaged;

    /// <summary>Waits for queued work, then copies elements starting at <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    void Read<T>(IDeviceBuffer source, Span<T> destination, long offset = 0)
        where T : unmanaged;

    /// <summary>Creates a timer that measures queued work the way the device sees it.</summary>
    IDeviceTimer CreateTimer();

    /// <summary>Waits until all queued work has finished.</summary>
    void Synchronize();

    /// <summary>
    /// An optional capability of this device, or null when it has none of type <typeparamref name="T"/>: for example
    /// <c>IIlgpuDevice</c> (assembly <c>AiProfiler.Abstractions.Ilgpu</c>) on <c>ilgpu-*</c> devices, through which a
    /// plugin launches its own C# kernels. Capabilities live in their own assemblies, so this contract and the plugins
    /// that do not ask for them never load their dependencies. By default a device offers the interfaces it implements.
    /// </summary>
    T? GetCapability<T>()
        where T : class => this as T;
}
