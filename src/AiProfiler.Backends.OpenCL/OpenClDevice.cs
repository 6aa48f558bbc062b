using System.Globalization;
using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.OpenCL.Interop;
using AiProfiler.Kernels;
using AiProfiler.Shared;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// One opened OpenCL device: a context, one in-order queue with profiling on, buffers, the kernel compiler, and the
/// tensor operations (portable kernels, GEMM through CLBlast or the tiled kernel).
/// </summary>
internal sealed unsafe class OpenClDevice : DeviceBase
{
    private readonly OpenClDeviceHandles _handles;
    private readonly ClContextHandle _context;
    private readonly ClCommandQueueHandle _queue;
    private readonly OpenClKernelCompiler _compiler;
    private readonly ClBlastGemmEngine? _clblast;
    private readonly KernelTensorOps _ops;
    private long _allocatedBytes;

    public OpenClDevice(DeviceInfo info, OpenClDeviceHandles handles, OpenClOptions options)
    {
        Info = info;
        _handles = handles;
        var device = handles.Device;
        var properties = stackalloc nint[] { ClConstants.ContextPlatform, handles.Platform, 0 };
        int status;
        _context = OpenClNative.clCreateContext(properties, 1, &device, 0, 0, &status);
        OpenClException.Check(status, "clCreateContext");
        _queue = OpenClNative.clCreateCommandQueue(_context, device, ClConstants.QueueProfilingEnable, &status);
        if (status != ClConstants.Success)
        {
            _context.Dispose();
            throw new OpenClException("clCreateCommandQueue", status);
        }

        _compiler = new OpenClKernelCompiler(this);
        var tiled = new TiledGemmEngine(_compiler);
        _clblast = !options.ForceTiledGemm && OpenClLibrary.IsClBlastAvailable() ? new ClBlastGemmEngine(this, tiled) : null;
        _ops = new KernelTensorOps(this, _compiler, _clblast ?? (IGemmEngine)tiled);
    }

    public override DeviceInfo Info { get; }

    /// <summary>
    /// OpenCL has no free-memory query, so this is the global memory less what this device allocated; a CPU device
    /// is further bounded by the host's available memory, which its buffers really use.
    /// </summary>
    public override long AvailableMemoryBytes
    {
        get
        {
            var free = Math.Max(0, _handles.GlobalMemoryBytes - Interlocked.Read(ref _allocatedBytes));
            return _handles.IsCpu ? Math.Min(free, HostMemoryReader.System.AvailableBytes()) : free;
        }
    }

    public override ITensorOps Ops => _ops;

    public override IKernelCompiler? Kernels => _compiler;

    internal ClContextHandle Context => _context;

    internal ClCommandQueueHandle Queue => _queue;

    internal nint DeviceId => _handles.Device;

    /// <summary>CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer.</summary>
    internal long MaxAllocationBytes => _handles.MaxAllocationBytes;

    /// <summary>Bytes held by this device's live buffers.</summary>
    internal long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    protected override IDeviceBuffer AllocateCore(long length, DataType type, long bytes)
    {
        if (bytes > _handles.MaxAllocationBytes)
        {
            throw new InsufficientDeviceMemoryException(string.Create(CultureInfo.InvariantCulture,
                $"needs {InsufficientDeviceMemoryException.FormatBytes(bytes)} in one buffer but device '{Info.Id}' allows at most {InsufficientDeviceMemoryException.FormatBytes(_handles.MaxAllocationBytes)} per buffer (CL_DEVICE_MAX_MEM_ALLOC_SIZE); choose smaller sizes or another device"));
        }

        // OpenCL refuses empty buffers; an empty IDeviceBuffer still gets a real (tiny) one so it behaves like any other.
        var nativeBytes = Math.Max(bytes, 4);
        int status;
        var handle = OpenClNative.clCreateBuffer(_context, ClConstants.MemReadWrite, (nuint)nativeBytes, null, &status);
        if (status is ClConstants.MemObjectAllocationFailure or ClConstants.OutOfResources or ClConstants.OutOfHostMemory)
        {
            handle.Dispose();
            throw new InsufficientDeviceMemoryException(Info.Id, bytes, AvailableMemoryBytes);
        }

        if (status != ClConstants.Success)
        {
            handle.Dispose();
            throw new OpenClException("clCreateBuffer", status);
        }

        var buffer = new OpenClBuffer(this, handle, length, type, nativeBytes);
        Interlocked.Add(ref _allocatedBytes, nativeBytes);
        byte zero = 0;
        var fill = OpenClNative.clEnqueueFillBuffer(_queue, handle, &zero, 1, 0, (nuint)nativeBytes, 0, null, null);
        if (fill != ClConstants.Success)
        {
            buffer.Dispose();
            throw new OpenClException("clEnqueueFillBuffer", fill);
        }

        return buffer;
    }

    protected override void WriteCore<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset)
    {
        var buffer = Own(destination);
        if (source.IsEmpty)
        {
            return;
        }

        fixed (T* p = source)
        {
            OpenClException.Check(OpenClNative.clEnqueueWriteBuffer(_queue, buffer.Handle, ClConstants.True,
                (nuint)(offset * sizeof(T)), (nuint)((long)source.Length * sizeof(T)), p, 0, null, null), "clEnqueueWriteBuffer");
        }
    }

    protected override void ReadCore<T>(IDeviceBuffer source, Span<T> destination, long offset)
    {
        var buffer = Own(source);
        if (destination.IsEmpty)
        {
            return;
        }

        fixed (T* p = destination)
        {
            // A blocking read on the in-order queue also waits for the work queued before it.
            OpenClException.Check(OpenClNative.clEnqueueReadBuffer(_queue, buffer.Handle, ClConstants.True,
                (nuint)(offset * sizeof(T)), (nuint)((long)destination.Length * sizeof(T)), p, 0, null, null), "clEnqueueReadBuffer");
        }
    }

    public override IDeviceTimer CreateTimer()
    {
        ThrowIfDisposed();
        return new OpenClTimer(_queue);
    }

    public override void Synchronize()
    {
        ThrowIfDisposed();
        OpenClException.Check(OpenClNative.clFinish(_queue), "clFinish");
    }

    protected override void Dispose(bool disposing)
    {
        if (!_queue.IsInvalid && !_queue.IsClosed)
        {
            // Queued work may still use the kernels and buffers released below.
            _ = OpenClNative.clFinish(_queue);
        }

        _ops.Dispose();
        _compiler.Dispose();
        _clblast?.Dispose();
        _queue.Dispose();
        _context.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The OpenCL buffer behind <paramref name="buffer"/>, which must be a live buffer of this device.</summary>
    internal OpenClBuffer Own(IDeviceBuffer buffer, [CallerArgumentExpression(nameof(buffer))] string? name = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer is not OpenClBuffer own || !ReferenceEquals(own.Device, this))
        {
            throw new ArgumentException($"buffer '{name}' belongs to device '{buffer.Device.Info.Id}', not to '{Info.Id}'; allocate it on this device", name);
        }

        ObjectDisposedException.ThrowIf(own.IsDisposed, own);
        return own;
    }

    internal void OnReleased(long nativeBytes) => Interlocked.Add(ref _allocatedBytes, -nativeBytes);
}
