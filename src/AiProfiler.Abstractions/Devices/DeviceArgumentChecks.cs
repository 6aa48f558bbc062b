using System.Globalization;

namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// The argument checks shared by <see cref="TensorOpsBase"/> and <see cref="DeviceBase"/>, so a mistake gets the same
/// message on every backend. A kernel does not check bounds: a short buffer must fail here, with a message, instead
/// of being read or written past its end.
/// </summary>
internal static class DeviceArgumentChecks
{
    public static void NonNegative(long value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative");
        }
    }

    public static void Shape(int rows, int cols)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(cols, nameof(cols));
    }

    /// <summary>Checks that <paramref name="buffer"/> was allocated by <paramref name="device"/>.</summary>
    public static void Owned(IDevice device, IDeviceBuffer buffer, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Device, device))
        {
            throw new ArgumentException(
                $"buffer '{name}' belongs to device '{buffer.Device.Info.Id}', not to '{device.Info.Id}'; allocate it on this device", name);
        }
    }

    /// <summary>Checks that <paramref name="buffer"/> holds <paramref name="type"/> and at least <paramref name="elements"/> elements.</summary>
    public static void Typed(IDeviceBuffer buffer, string name, long elements, DataType type)
    {
        NonNegative(elements, name + " length");
        if (buffer.Type != type)
        {
            throw new ArgumentException($"{name} holds {buffer.Type.ShortName()} but the operation needs {type.ShortName()}", name);
        }

        if (buffer.Length < elements)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} holds {buffer.Length} elements but the operation needs {elements}; allocate a larger buffer"), name);
        }
    }

    /// <summary>Checks that elements [offset, offset + count) lie inside <paramref name="buffer"/>.</summary>
    public static void Range(IDeviceBuffer buffer, string name, long offset, long count, string? parameter = null)
    {
        NonNegative(offset, nameof(offset));
        NonNegative(count, nameof(count));
        if (offset + count > buffer.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} holds {buffer.Length} elements but elements {offset} to {offset + count} were asked for; check the offset and count"), parameter ?? name);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "'attention' is the descriptor parameter of ITensorOps.Attention, the name the caller knows.")]
    public static void Attention(in AttentionDescriptor a, int maxHeadDim)
    {
        NonNegative(a.Batch, nameof(a.Batch));
        NonNegative(a.Heads, nameof(a.Heads));
        NonNegative(a.QueryLength, nameof(a.QueryLength));
        NonNegative(a.KeyLength, nameof(a.KeyLength));
        if (a.HeadDim < 1 || a.HeadDim > maxHeadDim)
        {
            throw new ArgumentOutOfRangeException("attention", a.HeadDim, string.Create(CultureInfo.InvariantCulture,
                $"attention head size {a.HeadDim} is outside this device's range 1 to {maxHeadDim}; use smaller heads"));
        }

        if (a.KeyHeads < 0 || (a.Heads > 0 && a.Heads % a.EffectiveKeyHeads != 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"attention KeyHeads {a.KeyHeads} does not divide Heads {a.Heads}; use a divisor of the heads (0 for as many as Heads)"), "attention");
        }

        if (a.EffectiveKeyCapacity < a.KeyLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"attention KeyCapacity {a.EffectiveKeyCapacity} is smaller than KeyLength {a.KeyLength}; allocate room for every key"), "attention");
        }
    }

    /// <summary>Checks the GEMM's dimensions, leading dimensions and that every matrix of every batch fits its buffer.</summary>
    public static void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        NonNegative(g.M, nameof(g.M));
        NonNegative(g.N, nameof(g.N));
        NonNegative(g.K, nameof(g.K));
        NonNegative(g.BatchCount, nameof(g.BatchCount));
        var (rowsA, colsA) = g.TransposeA ? (g.K, g.M) : (g.M, g.K);
        var (rowsB, colsB) = g.TransposeB ? (g.N, g.K) : (g.K, g.N);
        Matrix(a, "A", g.Type, rowsA, colsA, g.EffectiveLdA, g.OffsetA, g.StrideA, g.BatchCount);
        Matrix(b, "B", g.Type, rowsB, colsB, g.EffectiveLdB, g.OffsetB, g.StrideB, g.BatchCount);
        Matrix(c, "C", g.Type, g.M, g.N, g.EffectiveLdC, g.OffsetC, g.StrideC, g.BatchCount);
    }

    private static void Matrix(IDeviceBuffer buffer, string name, DataType type, int rows, int cols, int ld, long offset, long stride, int batches)
    {
        Typed(buffer, name, 0, type);
        if (ld < cols)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"leading dimension of {name} is {ld} but its stored rows have {cols} columns; use a leading dimension of at least {cols}"), name);
        }

        NonNegative(offset, "offset of " + name);
        NonNegative(stride, "stride of " + name);
        if (rows == 0 || cols == 0 || batches == 0)
        {
            return;
        }

        var end = offset + ((batches - 1) * stride) + ((long)(rows - 1) * ld) + cols;
        if (end > buffer.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} holds {buffer.Length} elements but the GEMM reads up to element {end}; check its offset, stride and leading dimension"), name);
        }
    }
}
