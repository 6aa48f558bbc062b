using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Backends.Cpu;

/// <summary>The host's CPUs as one device. Operations run synchronously on the calling thread and the thread pool.</summary>
public sealed class CpuDevice : IDevice, IThreadedDevice
{
    private readonly Lock _gate = new();
    private readonly HashSet<CpuBuffer> _live = [];
    private readonly Func<long> _hostAvailableBytes;
    private readonly CpuTensorOps _ops;
    private long _allocatedBytes;
    private bool _disposed;

    /// <summary>Opens the CPU device with the given identity and GEMM engine.</summary>
    public CpuDevice(DeviceInfo info, CpuGemmEngine gemm, Func<long>? hostAvailableBytes = null)
    {
        Info = info;
        _hostAvailableBytes = hostAvailableBytes ?? CpuInfoReader.HostAvailableMemoryBytes;
        _ops = new CpuTensorOps(gemm);
    }

    /// <inheritdoc />
    public DeviceInfo Info { get; }

    /// <summary>
    /// The host's available memory less a safety margin (an eighth, at least 256 MiB) that keeps the agent and the
    /// rest of the machine alive when a workload asks for nearly everything.
    /// </summary>
    public long AvailableMemoryBytes
    {
        get
        {
            var host = _hostAvailableBytes();
            var margin = Math.Max(256L << 20, host / 8);
            return Math.Max(0, host - margin);
        }
    }

    /// <inheritdoc />
    public ITensorOps Ops => _ops;

    /// <inheritdoc />
    public int Threads
    {
        get => _ops.Threads;
        set
        {
            if (value < 1 || value > MaxThreads)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"the CPU device runs on 1 to {MaxThreads} threads (its logical cores); got {value}");
            }

            _ops.Threads = value;
        }
    }

    /// <inheritdoc />
    public int MaxThreads => Environment.ProcessorCount;

    /// <inheritdoc />
    public IKernelCompiler? Kernels => null;

    /// <summary>Bytes currently allocated through this device.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <inheritdoc />
    public IDeviceBuffer Allocate(long length, DataType type = DataType.Float32)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > Array.MaxLength)
        {
            throw new InsufficientDeviceMemoryException($"a single CPU buffer holds at most {Array.MaxLength} elements, asked for {length}; choose smaller sizes");
        }

        var bytes = length * type.SizeInBytes();
        var available = AvailableMemoryBytes;
        if (bytes > available)
        {
            throw new InsufficientDeviceMemoryException(Info.Id, bytes, available);
        }

        var buffer = new CpuBuffer(this, length, type);
        lock (_gate)
        {
            _live.Add(buffer);
        }

        Interlocked.Add(ref _allocatedBytes, bytes);
        return buffer;
    }

    /// <inheritdoc />
    public unsafe void Write<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
        where T : unmanaged
    {
        var buffer = Own(destination);
        CheckElement<T>(buffer, offset, source.Length);
        source.CopyTo(new Span<T>((T*)buffer.Pointer + offset, source.Length));
    }

    /// <inheritdoc />
    public unsafe void Read<T>(IDeviceBuffer source, Span<T> destination, long offset = 0)
        where T : unmanaged
    {
        var buffer = Own(source);
        CheckElement<T>(buffer, offset, destination.Length);
        new ReadOnlySpan<T>((T*)buffer.Pointer + offset, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc />
    public IDeviceTimer CreateTimer() => new CpuTimer();

    /// <inheritdoc />
    public void Synchronize()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CpuBuffer[] remaining;
        lock (_gate)
        {
            _disposed = true;
            remaining = [.. _live];
        }

        foreach (var buffer in remaining)
        {
            buffer.Dispose();
        }
    }

    internal void Release(CpuBuffer buffer)
    {
        lock (_gate)
        {
            if (_live.Remove(buffer))
            {
                Interlocked.Add(ref _allocatedBytes, -buffer.Length * buffer.Type.SizeInBytes());
            }
        }
    }

    private static void CheckElement<T>(CpuBuffer buffer, long offset, int count)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != buffer.Type.SizeInBytes())
        {
            throw new ArgumentException($"element type {typeof(T).Name} does not match buffer type {buffer.Type.ShortName()}");
        }

        if (offset < 0 || offset + count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"elements [{offset}, {offset + count}) are outside the buffer of {buffer.Length}");
        }
    }

    private CpuBuffer Own(IDeviceBuffer buffer) =>
        buffer is CpuBuffer cpu && ReferenceEquals(cpu.Device, this)
            ? cpu
            : throw new ArgumentException("the buffer belongs to another device", nameof(buffer));
}
