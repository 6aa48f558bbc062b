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
        _handle = new NativeBlockHandle(NativeMemory.AlignedAlloc(bytes, huge ? HugePages.Size : 64), bytes);
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

    /// <summary>The element at index 0; valid until disposal.</summary>
    public void* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return (void*)_handle.DangerousGetHandle();
        }
    }

    internal bool IsDisposed => _handle.IsClosed;

    /// <summary>The contents as fp32 elements.</summary>
    public Span<float> AsFloat() => AsSpan<float>(DataType.Float32);

    /// <summary>The contents as int32 elements.</summary>
    public Span<int> AsInt32() => AsSpan<int>(DataType.Int32);

    /// <summary>The contents as raw 16-bit elements (fp16 or bf16).</summary>
    public Span<ushort> AsUInt16()
    {
        if (Type is not (DataType.Float16 or DataType.BFloat16))
        {
            throw new ArgumentException($"buffer holds {Type.ShortName()}, not a 16-bit float type");
        }

        return new Span<ushort>(Pointer, checked((int)Length));
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

    private Span<T> AsSpan<T>(DataType expected)
        where T : unmanaged
    {
        if (Type != expected)
        {
            throw new ArgumentException($"buffer holds {Type.ShortName()}, expected {expected.ShortName()}");
        }

        return new Span<T>(Pointer, checked((int)Length));
    }

    private sealed class NativeBlockHandle : SafeHandle
    {
        public NativeBlockHandle(void* pointer, nuint bytes)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle((IntPtr)pointer);
            Bytes = bytes;
        }

        public nuint Bytes { get; }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            NativeMemory.AlignedFree((void*)handle);
            return true;
        }
    }
}
