using System.Globalization;
using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Ilgpu;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Ilgpu.Gemm;
using AiProfiler.Kernels;
using ILGPU;
using ILGPU.Runtime;
using IDevice = AiProfiler.Abstractions.Devices.IDevice;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// One ILGPU accelerator as an <see cref="IDevice"/>. It owns its ILGPU context and accelerator, created once when the
/// device is opened and disposed with it; every operation is queued on the accelerator's default stream, in order.
/// Plugins reach the accelerator through the <see cref="IIlgpuDevice"/> capability.
/// </summary>
internal sealed unsafe class IlgpuDevice : DeviceBase, IIlgpuDevice, IFmaProbe
{
    private readonly Context _context;
    private readonly IlgpuKernelCache _kernels;
    private readonly IGemmEngine _gemm;
    private long _allocatedBytes;

    /// <summary>Takes ownership of <paramref name="context"/> and <paramref name="accelerator"/>.</summary>
    public IlgpuDevice(DeviceInfo info, Context context, Accelerator accelerator, IlgpuGemmChoice gemm)
    {
        Info = info;
        _context = context;
        Accelerator = accelerator;
        Stream = accelerator.DefaultStream;
        _kernels = new IlgpuKernelCache(accelerator);
        Launch = IlgpuLaunchShape.For(accelerator);
        _gemm = IlgpuGemmFactory.Create(this, gemm);
        Ops = new IlgpuTensorOps(this, _gemm);
    }

    public override DeviceInfo Info { get; }

    public Accelerator Accelerator { get; }

    public AcceleratorStream Stream { get; }

    /// <summary>The group sizes this accelerator's kernels are launched with.</summary>
    internal IlgpuLaunchShape Launch { get; }

    public override long AvailableMemoryBytes => Math.Max(0, Info.MemoryBytes - Interlocked.Read(ref _allocatedBytes));

    public override ITensorOps Ops { get; }

    /// <summary>ILGPU devices run C# kernels (<see cref="IIlgpuDevice"/>), not the portable C dialect.</summary>
    public override IKernelCompiler? Kernels => null;

    /// <summary>Kernels compiled so far, each once.</summary>
    internal int CompiledKernels => _kernels.CompiledCount;

    protected override IDeviceBuffer AllocateCore(long length, DataType type, long bytes)
    {
        MemoryBuffer1D<int, Stride1D.Dense> memory;
        try
        {
            memory = Accelerator.Allocate1D<int>(Math.Max(1, (bytes + 3) / 4));
        }
        catch (OutOfMemoryException)
        {
            throw new InsufficientDeviceMemoryException(Info.Id, bytes, AvailableMemoryBytes);
        }

        memory.MemSetToZero(Stream);
        var buffer = new IlgpuBuffer(this, memory, length, type);
        Interlocked.Add(ref _allocatedBytes, buffer.NativeBytes);
        return buffer;
    }

    protected override void WriteCore<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset)
    {
        if (!source.IsEmpty)
        {
            Own(destination).View<T>().SubView(offset, source.Length).CopyFromCPU(Stream, source);
        }
    }

    protected override void ReadCore<T>(IDeviceBuffer source, Span<T> destination, long offset)
    {
        if (!destination.IsEmpty)
        {
            Own(source).View<T>().SubView(offset, destination.Length).CopyToCPU(Stream, destination);
            Stream.Synchronize();
        }
    }

    public override IDeviceTimer CreateTimer()
    {
        ThrowIfDisposed();
        return new IlgpuTimer(Stream);
    }

    public override void Synchronize()
    {
        ThrowIfDisposed();
        Stream.Synchronize();
    }

    public ArrayView<T> View<T>(IDeviceBuffer buffer)
        where T : unmanaged
    {
        var own = Own(buffer, nameof(buffer));
        if (sizeof(T) != buffer.Type.SizeInBytes())
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"buffer holds {buffer.Type.ShortName()} ({buffer.Type.SizeInBytes()} bytes each) but a view of {typeof(T).Name} has {sizeof(T)} bytes per element; use a view of a matching type"), nameof(buffer));
        }

        return own.View<T>();
    }

    public TLauncher LoadKernel<TLauncher>(string kernelName, Func<Accelerator, TLauncher> load)
        where TLauncher : Delegate
    {
        ThrowIfDisposed();
        return _kernels.Get(kernelName, load);
    }

    public string FmaProbeMethod => "ILGPU C# fma kernel";

    /// <summary>
    /// The fp32 ceiling's probe (<see cref="Backends.Ilgpu.Kernels.ElementKernels.FmaChains"/>): one item per element of a
    /// buffer of <paramref name="workItems"/> in groups of the accelerator's width (the emulator's single group strides
    /// over them), timed with the stream's markers.
    /// </summary>
    public double TimeFmaChains(long workItems, int iterations)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfLessThan(workItems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 0);
        using var output = Accelerator.Allocate1D<float>(workItems);
        var kernel = LoadKernel("fma_chains", static a => a.LoadStreamKernel<ArrayView<float>, int>(Backends.Ilgpu.Kernels.ElementKernels.FmaChains));
        var groups = Launch.GroupsFor((workItems + Launch.Group - 1) / Launch.Group);
        using var timer = new IlgpuTimer(Stream);
        Stream.Synchronize();
        timer.Start();
        kernel(new KernelConfig(groups, Launch.Group), output.View, iterations);
        timer.Stop();
        Stream.Synchronize();
        return timer.ElapsedSeconds;
    }

    protected override void Dispose(bool disposing)
    {
        // Queued work may still use the memory and kernels released below.
        Stream.Synchronize();
        (_gemm as IDisposable)?.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
        base.Dispose(disposing);
    }

    internal void OnReleased(long bytes) => Interlocked.Add(ref _allocatedBytes, -bytes);

    /// <summary>The ILGPU buffer behind <paramref name="buffer"/>, which must be a live buffer of this device.</summary>
    internal IlgpuBuffer Own(IDeviceBuffer buffer, [CallerArgumentExpression(nameof(buffer))] string? name = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer is not IlgpuBuffer own || !ReferenceEquals(own.Device, this))
        {
            throw new ArgumentException($"buffer '{name}' belongs to device '{buffer.Device.Info.Id}', not to '{Info.Id}'; allocate it on this device", name);
        }

        ObjectDisposedException.ThrowIf(own.IsDisposed, own);
        return own;
    }
}
