using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>A 64-byte aligned, zero-filled block of native memory; native so large tensors stay off the GC heap.</summary>
public sealed unsafe class CpuBuffer : IDeviceBuffer
{
    private readonly CpuDevice _device;
    private readonly NativeBlockHandle _handle;

    internal CpuBuffer(CpuDevice device, long length, DataType type)
    {
        _device = device;
        Length = length;
        Type = type;
        var bytes = (nuint)Math.Max(1, length * type.SizeInBytes());
        var huge = bytes >= HugePages.Size;
        _handle = new NativeBlockHandle(NativeMemory.AlignedAlloc(bytes, huge ? HugePages.Size : 64));
        if (huge)
        {
            HugePages.Advise((void*)_handle.DangerousGetHandle(), bytes);
        }

        NativeMemory.Clear((void*)_handle.DangerousGetHandle(), bytes);
    }

    /// <inheritdoc />
    public IDevice Device => _device;

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public DataType Type { get; }

    /// <summary>
    /// The element at index 0; valid until disposal. Whoever takes it may write through it, so it also forgets what
    /// <see cref="HoldsOnlyFiniteHalves"/> found.
    /// </summary>
    public void* Pointer
    {
        get
        {
            Volatile.Write(ref _halves, Unknown);
            return ReadPointer;
        }
    }

    /// <summary>The element at index 0, for code that only reads through it (the memo of <see cref="HoldsOnlyFiniteHalves"/> stays).</summary>
    internal void* ReadPointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return (void*)_handle.DangerousGetHandle();
        }
    }

    // What the last scan of an fp16 buffer found, until the next hand-out of Pointer (every write goes through it).
    private const int Unknown = 0, Finite = 1, NotFinite = 2;

    private int _halves;

    /// <summary>
    /// Whether this fp16 buffer holds no infinity or NaN: scanned once and remembered until <see cref="Pointer"/> is next
    /// taken, so a weight matrix is scanned on its first decode, not on every one (the fp16 decode kernels then skip the
    /// per-step exponent check; see <see cref="FloatDot"/>). False for other types. A write racing the scan on another
    /// thread is a data race on the buffer in any case.
    /// </summary>
    internal bool HoldsOnlyFiniteHalves()
    {
        if (Type != DataType.Float16)
        {
            return false;
        }

        var state = Volatile.Read(ref _halves);
        if (state == Unknown)
        {
            state = FloatDot.HoldsInfinityOrNaN((ushort*)ReadPointer, Length) ? NotFinite : Finite;
            Volatile.Write(ref _halves, state);
        }

        return state == Finite;
    }

    internal bool IsDisposed => _handle.IsClosed;

    /// <summary>The contents as fp32 elements.</summary>
    public Span<float> AsFloat()
    {
        if (Type != DataType.Float32)
        {
            throw new ArgumentException($"buffer holds {Type.ShortName()}, expected fp32");
        }

        return new Span<float>(Pointer, checked((int)Length));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_handle.IsClosed)
        {
            _device.Release(this);
            _handle.Dispose();
        }
    }

    private sealed class NativeBlockHandle : SafeHandle
    {
        public NativeBlockHandle(void* pointer)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle((IntPtr)pointer);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            NativeMemory.AlignedFree((void*)handle);
            return true;
        }
    }
}
