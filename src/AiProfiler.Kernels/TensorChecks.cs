using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels;

/// <summary>
/// Host-side checks of shapes and buffer sizes before a kernel launch: a kernel does not check bounds, so a short
/// buffer would be read or written past its end instead of failing with a message.
/// </summary>
internal static class TensorChecks
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

    public static void Float32(IDeviceBuffer buffer, string name, long elements) => Typed(buffer, name, elements, DataType.Float32);

    public static void Int32(IDeviceBuffer buffer, string name, long elements) => Typed(buffer, name, elements, DataType.Int32);

    /// <summary>Checks that elements [offset, offset + count) lie inside <paramref name="buffer"/>.</summary>
    public static void Range(IDeviceBuffer buffer, string name, long offset, long count)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        NonNegative(offset, nameof(offset));
        NonNegative(count, nameof(count));
        if (offset + count > buffer.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} holds {buffer.Length} elements but elements {offset} to {offset + count} were asked for; check the offset and count"), name);
        }
    }

    /// <summary>The number of rows of a <c>[rows, dim]</c> table.</summary>
    public static int TableRows(IDeviceBuffer table, string name, int dim)
    {
        Typed(table, name, 0, DataType.Float32);
        return dim == 0 ? 0 : (int)Math.Min(table.Length / dim, int.MaxValue);
    }

    public static void Activation(ActivationKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation; use Relu, Gelu or Silu");
        }
    }

    public static void Attention(in AttentionDescriptor a, int maxHeadDim)
    {
        NonNegative(a.Batch, nameof(a.Batch));
        NonNegative(a.Heads, nameof(a.Heads));
        NonNegative(a.QueryLength, nameof(a.QueryLength));
        NonNegative(a.KeyLength, nameof(a.KeyLength));
        if (a.HeadDim < 1 || a.HeadDim > maxHeadDim)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a.HeadDim,
                $"attention head size {a.HeadDim} is outside the kernel's range 1 to {maxHeadDim}; use smaller heads");
        }

        if (a.EffectiveKeyHeads < 1 || a.Heads % a.EffectiveKeyHeads != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"attention KeyHeads {a.EffectiveKeyHeads} does not divide Heads {a.Heads}; use a divisor of the heads"), nameof(a));
        }

        if (a.EffectiveKeyCapacity < a.KeyLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"attention KeyCapacity {a.EffectiveKeyCapacity} is smaller than KeyLength {a.KeyLength}; allocate room for every key"), nameof(a));
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

        var end = offset + (batches - 1) * stride + (long)(rows - 1) * ld + cols;
        if (end > buffer.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} holds {buffer.Length} elements but the GEMM reads up to element {end}; check its offset, stride and leading dimension"), name);
        }
    }

    private static void Typed(IDeviceBuffer buffer, string name, long elements, DataType type)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
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
}
