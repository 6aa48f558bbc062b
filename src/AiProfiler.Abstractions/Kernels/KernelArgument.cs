using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Abstractions.Kernels;

/// <summary>One kernel argument: a buffer of the same device, a 32-bit int, a float, or a 64-bit int.</summary>
public readonly record struct KernelArgument
{
    private KernelArgument(IDeviceBuffer? buffer, long integer, float single, KernelArgumentKind kind)
    {
        Buffer = buffer;
        Integer = integer;
        Single = single;
        Kind = kind;
    }

    /// <summary>What the argument holds.</summary>
    public KernelArgumentKind Kind { get; }

    /// <summary>The buffer, for <see cref="KernelArgumentKind.Buffer"/>.</summary>
    public IDeviceBuffer? Buffer { get; }

    /// <summary>The integer value, for <see cref="KernelArgumentKind.Int32"/> and <see cref="KernelArgumentKind.Int64"/>.</summary>
    public long Integer { get; }

    /// <summary>The float value, for <see cref="KernelArgumentKind.Float32"/>.</summary>
    public float Single { get; }

    /// <summary>A buffer argument (a <c>GLOBAL float*</c> or <c>GLOBAL int*</c> parameter).</summary>
    public static KernelArgument Of(IDeviceBuffer buffer) => new(buffer ?? throw new ArgumentNullException(nameof(buffer)), 0, 0, KernelArgumentKind.Buffer);

    /// <summary>An <c>int</c> argument.</summary>
    public static KernelArgument Of(int value) => new(null, value, 0, KernelArgumentKind.Int32);

    /// <summary>A <c>long</c> argument.</summary>
    public static KernelArgument Of(long value) => new(null, value, 0, KernelArgumentKind.Int64);

    /// <summary>A <c>float</c> argument.</summary>
    public static KernelArgument Of(float value) => new(null, 0, value, KernelArgumentKind.Float32);
}

/// <summary>The kind of a <see cref="KernelArgument"/>.</summary>
public enum KernelArgumentKind
{
    /// <summary>A device buffer.</summary>
    Buffer,

    /// <summary>A 32-bit signed integer.</summary>
    Int32,

    /// <summary>A 64-bit signed integer.</summary>
    Int64,

    /// <summary>A 32-bit float.</summary>
    Float32,
}
