using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Backends.Cpu;

/// <summary>The host's CPUs as one device. Operations run synchronously on the calling thread and the thread pool.</summary>
public sealed class CpuDevice : DeviceBase, IThreadedDevice
{
    private readonly Lock _gate = new();
    private readonly HashSet<CpuBuffer> _live = [];
    private readonly Func<long> _hostAvailableBytes;
    private readonly CpuTensorOps _ops;
    private long _allocatedBytes;

    /// <summary>Opens the CPU device with the given identity and GEMM engine.</summary>
    public CpuDevice(DeviceInfo info, CpuGemmEngine gemm, Func<long>? hostAvailableBytes = null)
    {
        Info = info;
        _hostAvailableBytes = hostAvailableBytes ?? CpuInfoReader.HostAvailableMemoryBytes;
        _ops = new CpuTensorOps(this, gemm);
    }

    /// <inheritdoc />
    public override DeviceInfo Info { get; }

    /// <summary>
    /// The host's available memory less a safety margin (an eighth, at least 256 MiB) that keeps the agent and the
    /// rest of the machine alive when a workload asks for nearly everything.
    /// </summary>
    public override long AvailableMemoryBytes
    {
        get
        {
            var host = _hostAvailableBytes();
            var margin = Math.Max(256L << 20, host / 8);
            return Math.Max(0, host - margin);
        }
    }

    /// <inheritdoc />
    public override ITensorOps Ops => _ops;

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
    public override IKernelCompiler? Kernels => null;

    /// <summary>Bytes currently allocated through this device.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <inheritdoc />
    protected override IDeviceBuffer AllocateCore(long length, DataType type, long bytes)
    {
        if (length > Array.MaxLength)
        {
            throw new InsufficientDeviceMemoryException($"a single CPU buffer holds at most {Array.MaxLength} elements, asked for {length}; choose smaller sizes");
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
    protected override unsafe void WriteCore<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset) =>
        source.CopyTo(new Span<T>((T*)((CpuBuffer)destination).Pointer + offset, source.Length));

    /// <inheritdoc />
    protected override unsafe void ReadCore<T>(IDeviceBuffer source, Span<T> destination, long offset) =>
        new ReadOnlySpan<T>((T*)((CpuBuffer)source).ReadPointer + offset, destination.Length).CopyTo(destination);

    /// <inheritdoc />
    public override IDeviceTimer CreateTimer() => new CpuTimer();

    /// <inheritdoc />
    public override void Synchronize()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        CpuBuffer[] remaining;
        lock (_gate)
        {
            remaining = [.. _live];
        }

        foreach (var buffer in remaining)
        {
            buffer.Dispose();
        }

        base.Dispose(disposing);
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
}
