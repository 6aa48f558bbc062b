using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda.Devices;
using AiProfiler.Backends.Cuda.Gemm;
using AiProfiler.Backends.Cuda.Interop;
using AiProfiler.Backends.Cuda.Kernels;
using AiProfiler.Kernels;

namespace AiProfiler.Backends.Cuda;

/// <summary>
/// One NVIDIA GPU on its primary context (the one cuBLAS and the CUDA runtime share) with one blocking stream.
/// Kernels and cuBLAS run on that stream; host copies use the synchronous cuMemcpy calls on the legacy default
/// stream, which a blocking stream is ordered with, so a write is visible to the next kernel and a read sees every
/// queued kernel. Every entry point makes the context current first, because the runner may call from any thread.
/// </summary>
internal sealed unsafe class CudaDevice : DeviceBase
{
    private readonly CudaStreamHandle _stream;
    private readonly NvrtcKernelCompiler _compiler;
    private readonly CublasGemmEngine? _cublas;
    private readonly KernelTensorOps _ops;

    private CudaDevice(DeviceInfo info, CudaDeviceProperties properties, CudaPrimaryContextHandle context, CudaStreamHandle stream,
        int architecture, CudaGemmChoice gemm)
    {
        Info = info;
        Properties = properties;
        Context = context;
        _stream = stream;
        _compiler = new NvrtcKernelCompiler(this, architecture);
        _cublas = gemm == CudaGemmChoice.TiledKernel ? null : CublasGemmEngine.Create(this, tf32: gemm == CudaGemmChoice.CublasTf32);
        _ops = new KernelTensorOps(this, _compiler, _cublas ?? (IGemmEngine)new TiledGemmEngine(_compiler));
    }

    public override DeviceInfo Info { get; }

    public override long AvailableMemoryBytes
    {
        get
        {
            MakeCurrent();
            CudaCheck.Driver(CudaDriverApi.cuMemGetInfo_v2(out var free, out _), nameof(CudaDriverApi.cuMemGetInfo_v2));
            return (long)free;
        }
    }

    public override ITensorOps Ops => _ops;

    public override IKernelCompiler? Kernels => _compiler;

    internal CudaDeviceProperties Properties { get; }

    internal CudaPrimaryContextHandle Context { get; }

    internal nint Stream => _stream.DangerousGetHandle();

    /// <summary>Opens a device: retains its primary context, creates the stream, the compiler and cuBLAS.</summary>
    internal static CudaDevice Open(DeviceInfo info, CudaDeviceProperties properties, int architecture, CudaGemmChoice gemm)
    {
        var context = CudaPrimaryContextHandle.Retain(properties.Ordinal);
        CudaStreamHandle? stream = null;
        try
        {
            context.MakeCurrent();
            CudaCheck.Driver(CudaDriverApi.cuStreamCreate(out var raw, CudaDriverApi.StreamDefault), nameof(CudaDriverApi.cuStreamCreate));
            stream = new CudaStreamHandle(context, raw);
            return new CudaDevice(info, properties, context, stream, architecture, gemm);
        }
        catch
        {
            stream?.Dispose();
            context.Dispose();
            throw;
        }
    }

    protected override IDeviceBuffer AllocateCore(long length, DataType type, long bytes)
    {
        // cuMemAlloc refuses zero bytes; an empty buffer still gets a distinct (tiny) allocation.
        var result = CudaDriverApi.cuMemAlloc_v2(out var pointer, (nuint)Math.Max(bytes, 1));
        if (result == CuResult.ErrorOutOfMemory)
        {
            throw new InsufficientDeviceMemoryException(Info.Id, bytes, AvailableMemoryBytes);
        }

        CudaCheck.Driver(result, nameof(CudaDriverApi.cuMemAlloc_v2));
        var memory = new CudaMemoryHandle(Context, pointer);
        try
        {
            CudaCheck.Driver(CudaDriverApi.cuMemsetD8_v2(pointer, 0, (nuint)bytes), nameof(CudaDriverApi.cuMemsetD8_v2));
            return new CudaBuffer(this, memory, length, type);
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    protected override void WriteCore<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset)
    {
        var buffer = (CudaBuffer)destination;
        var count = (nuint)((long)source.Length * sizeof(T));
        if (count == 0)
        {
            return;
        }

        MakeCurrent();
        fixed (T* host = source)
        {
            CudaCheck.Driver(CudaDriverApi.cuMemcpyHtoD_v2(buffer.DevicePointer + Start(buffer, offset), host, count), nameof(CudaDriverApi.cuMemcpyHtoD_v2));
        }
    }

    protected override void ReadCore<T>(IDeviceBuffer source, Span<T> destination, long offset)
    {
        var buffer = (CudaBuffer)source;
        var count = (nuint)((long)destination.Length * sizeof(T));
        Synchronize();
        if (count == 0)
        {
            return;
        }

        fixed (T* host = destination)
        {
            CudaCheck.Driver(CudaDriverApi.cuMemcpyDtoH_v2(host, buffer.DevicePointer + Start(buffer, offset), count), nameof(CudaDriverApi.cuMemcpyDtoH_v2));
        }
    }

    public override IDeviceTimer CreateTimer() => new CudaEventTimer(this);

    public override void Synchronize()
    {
        MakeCurrent();
        CudaCheck.Driver(CudaDriverApi.cuStreamSynchronize(Stream), nameof(CudaDriverApi.cuStreamSynchronize));
    }

    protected override void Dispose(bool disposing)
    {
        // Queued work may still use the handles released below.
        if (!_stream.IsClosed)
        {
            CudaDriverApi.cuStreamSynchronize(Stream);
        }

        _ops.Dispose();
        _compiler.Dispose();
        _cublas?.Dispose();
        _stream.Dispose();
        Context.Dispose();
        base.Dispose(disposing);
    }

    internal void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(Context.IsClosed, this);
        Context.MakeCurrent();
    }

    internal CudaEventHandle CreateEvent()
    {
        MakeCurrent();
        CudaCheck.Driver(CudaDriverApi.cuEventCreate(out var raw, CudaDriverApi.EventDefault), nameof(CudaDriverApi.cuEventCreate));
        return new CudaEventHandle(Context, raw);
    }

    /// <summary>The byte offset of element <paramref name="offset"/>; the base class has checked the range.</summary>
    private static ulong Start(CudaBuffer buffer, long offset) => (ulong)(offset * buffer.Type.SizeInBytes());
}
