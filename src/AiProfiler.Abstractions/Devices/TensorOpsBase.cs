using System.Globalization;
using static AiProfiler.Abstractions.Devices.DeviceArgumentChecks;

namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// The base of every backend's <see cref="ITensorOps"/>: each public operation checks its arguments (buffers of this
/// device, element types, shapes, and that every element touched lies inside its buffer), then calls the backend's
/// protected <c>...Core</c> method. Checking in one place gives the same error for the same mistake on every backend,
/// and a core method can trust its arguments. Bad arguments throw <see cref="ArgumentException"/> (or
/// <see cref="ArgumentOutOfRangeException"/>, <see cref="ArgumentNullException"/>) naming the argument; an element
/// type the device cannot handle throws <see cref="NotSupportedException"/>.
/// </summary>
public abstract partial class TensorOpsBase : ITensorOps
{
    private readonly IDevice _device;

    /// <summary>Creates the operations of <paramref name="device"/>, whose buffers alone they accept.</summary>
    /// <param name="device">The device that allocates the buffers passed to these operations.</param>
    protected TensorOpsBase(IDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
    }

    /// <inheritdoc />
    public abstract string GemmImplementation { get; }

    /// <summary>The largest <see cref="AttentionDescriptor.HeadDim"/> <see cref="Attention"/> accepts; unbounded unless a kernel holds a row in fixed storage.</summary>
    protected virtual int MaxAttentionHeadDim => int.MaxValue;

    /// <inheritdoc />
    public abstract bool SupportsGemm(DataType type);

    /// <inheritdoc />
    public void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        Own(a, "A");
        Own(b, "B");
        Own(c, "C");
        if (!SupportsGemm(gemm.Type))
        {
            throw new NotSupportedException(
                $"GEMM in {gemm.Type.ShortName()} is not supported by {GemmImplementation} on device '{_device.Info.Id}'; use fp32 or another device");
        }

        DeviceArgumentChecks.Gemm(gemm, a, b, c);
        GemmCore(gemm, a, b, c);
    }

    /// <inheritdoc />
    /// <remarks>The base accepts fp32 weights alone, multiplied by <see cref="LinearWeightsCore"/> through <see cref="GemmCore"/>; a backend that decodes other types overrides both.</remarks>
    public virtual bool SupportsWeights(DataType type) => type == DataType.Float32;

    /// <inheritdoc />
    /// <remarks>The base multiplies x as is.</remarks>
    public virtual DataType LinearInputType(DataType weightType) => DataType.Float32;

    /// <inheritdoc />
    public void LinearWeights(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(outputs, nameof(outputs));
        NonNegative(inputs, nameof(inputs));
        var rowLength = WeightRow(nameof(LinearWeights), weights, nameof(weights), inputs);
        Range(weights, nameof(weights), 0, outputs * rowLength);
        Float32(x, nameof(x), (long)rows * inputs);
        Float32(y, nameof(y), (long)rows * outputs);
        LinearWeightsCore(x, weights, y, rows, outputs, inputs, beta);
    }

    /// <inheritdoc />
    public void Rotary(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(heads, nameof(heads));
        NonNegative(headDim, nameof(headDim));
        if (headDim % 2 != 0)
        {
            throw new ArgumentException($"rotary embedding rotates pairs, so the head size must be even, got {headDim}", nameof(headDim));
        }

        Float32(x, nameof(x), (long)rows * heads * headDim);
        Int32(positions, nameof(positions), rows);
        Float32(frequencies, nameof(frequencies), headDim / 2);
        RotaryCore(x, positions, frequencies, rows, heads, headDim, interleaved);
    }

    /// <inheritdoc />
    public void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(x, nameof(x), size);
        Float32(y, nameof(y), size);
        SoftmaxCore(x, y, rows, cols);
    }

    /// <inheritdoc />
    public void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(y, nameof(y), size);
        Float32(dy, nameof(dy), size);
        Float32(dx, nameof(dx), size);
        SoftmaxBackwardCore(y, dy, dx, rows, cols);
    }

    /// <inheritdoc />
    public void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        NonNegative(batches, nameof(batches));
        Shape(rows, cols);
        Float32(scores, nameof(scores), (long)batches * rows * cols);
        CausalMaskCore(scores, batches, rows, cols, offset);
    }

    /// <inheritdoc />
    public void LayerNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(x, nameof(x), size);
        Float32(gamma, nameof(gamma), cols);
        Float32(beta, nameof(beta), cols);
        Float32(y, nameof(y), size);
        Float32(mean, nameof(mean), rows);
        Float32(rstd, nameof(rstd), rows);
        LayerNormCore(x, gamma, beta, y, mean, rstd, rows, cols, epsilon);
    }

    /// <inheritdoc />
    public void LayerNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(x, nameof(x), size);
        Float32(gamma, nameof(gamma), cols);
        Float32(mean, nameof(mean), rows);
        Float32(rstd, nameof(rstd), rows);
        Float32(dy, nameof(dy), size);
        Float32(dx, nameof(dx), size);
        Float32(dgamma, nameof(dgamma), cols);
        Float32(dbeta, nameof(dbeta), cols);
        LayerNormBackwardCore(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols);
    }

    /// <inheritdoc />
    public void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(x, nameof(x), size);
        Float32(gamma, nameof(gamma), cols);
        Float32(y, nameof(y), size);
        Float32(rstd, nameof(rstd), rows);
        RmsNormCore(x, gamma, y, rstd, rows, cols, epsilon);
    }

    /// <inheritdoc />
    public void RmsNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(x, nameof(x), size);
        Float32(gamma, nameof(gamma), cols);
        Float32(rstd, nameof(rstd), rows);
        Float32(dy, nameof(dy), size);
        Float32(dx, nameof(dx), size);
        Float32(dgamma, nameof(dgamma), cols);
        RmsNormBackwardCore(x, gamma, rstd, dy, dx, dgamma, rows, cols);
    }

    /// <inheritdoc />
    public void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        Known(kind);
        Float32(x, nameof(x), count);
        Float32(y, nameof(y), count);
        ActivationCore(kind, x, y, count);
    }

    /// <inheritdoc />
    public void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        Known(kind);
        Float32(x, nameof(x), count);
        Float32(dy, nameof(dy), count);
        Float32(dx, nameof(dx), count);
        ActivationBackwardCore(kind, x, dy, dx, count);
    }

    /// <inheritdoc />
    public void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "unknown element-wise operation; use Add, Subtract or Multiply");
        }

        Float32(a, nameof(a), count);
        Float32(b, nameof(b), count);
        Float32(y, nameof(y), count);
        ElementwiseCore(op, a, b, y, count);
    }

    /// <inheritdoc />
    public void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        Float32(x, nameof(x), count);
        Float32(y, nameof(y), count);
        AxpbyCore(alpha, x, beta, y, count);
    }

    /// <inheritdoc />
    public void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        Shape(rows, cols);
        Float32(x, nameof(x), (long)rows * cols);
        Float32(bias, nameof(bias), cols);
        AddBiasCore(x, bias, rows, cols);
    }

    /// <inheritdoc />
    public void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        Shape(rows, cols);
        Float32(x, nameof(x), (long)rows * cols);
        Float32(y, nameof(y), cols);
        SumColumnsCore(x, y, rows, cols);
    }

    /// <inheritdoc />
    public void Sum(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        Float32(x, nameof(x), count);
        Float32(result, nameof(result), 1);
        SumCore(x, result, count);
    }

    /// <inheritdoc />
    public void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        Shape(rows, cols);
        var size = (long)rows * cols;
        Float32(logits, nameof(logits), size);
        Int32(targets, nameof(targets), rows);
        Float32(losses, nameof(losses), rows);
        Float32(dlogits, nameof(dlogits), size);
        CrossEntropyCore(logits, targets, losses, dlogits, rows, cols);
    }

    /// <inheritdoc />
    public void AdamW(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper)
    {
        if (hyper.Step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hyper), hyper.Step, "the AdamW step counts from 1");
        }

        Float32(parameters, nameof(parameters), count);
        Float32(gradients, nameof(gradients), count);
        Float32(m, nameof(m), count);
        Float32(v, nameof(v), count);
        AdamWCore(parameters, gradients, m, v, count, hyper);
    }

    /// <inheritdoc />
    public void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        DeviceArgumentChecks.Attention(attention, MaxAttentionHeadDim);
        var heads = (long)attention.Batch * attention.Heads;
        var querySize = heads * attention.QueryLength * attention.HeadDim;
        var keySize = (long)attention.Batch * attention.EffectiveKeyHeads * attention.EffectiveKeyCapacity * attention.HeadDim;
        Float32(q, nameof(q), querySize);
        Float32(k, nameof(k), keySize);
        Float32(v, nameof(v), keySize);
        Float32(o, nameof(o), querySize);
        AttentionCore(attention, q, k, v, o);
    }

    /// <summary>
    /// The number of whole rows of <paramref name="dim"/> values in an embedding table (0 when <paramref name="dim"/>
    /// is 0); a row of a block-quantized table is <see cref="DataTypeExtensions.StorageLength"/> elements.
    /// </summary>
    /// <param name="table">The <c>[rows, dim]</c> table.</param>
    /// <param name="dim">The values per row.</param>
    protected static int TableRows(IDeviceBuffer table, int dim)
    {
        ArgumentNullException.ThrowIfNull(table);
        return dim == 0 ? 0 : (int)Math.Min(table.Length / table.Type.StorageLength(dim), int.MaxValue);
    }

    /// <summary><see cref="LinearWeights"/> on checked arguments: weights of a type <see cref="SupportsWeights"/> accepts, rows of whole blocks inside the buffer.</summary>
    /// <remarks>The base runs fp32 weights as the GEMM <c>y = x·Wᵀ + beta·y</c>.</remarks>
    /// <param name="x">Activations, rows × inputs fp32.</param>
    /// <param name="weights">W, outputs × inputs in its own type.</param>
    /// <param name="y">Output, rows × outputs fp32.</param>
    /// <param name="rows">Rows of x and y.</param>
    /// <param name="outputs">Rows of W, columns of y.</param>
    /// <param name="inputs">Columns of x and W.</param>
    /// <param name="beta">Scale of y's previous contents (0 ignores them).</param>
    protected virtual void LinearWeightsCore(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta) =>
        GemmCore(new GemmDescriptor { M = rows, N = outputs, K = inputs, TransposeB = true, Beta = beta }, x, weights, y);

    /// <summary>
    /// Checks that <paramref name="weights"/> belongs to this device, holds a type <see cref="SupportsWeights"/>
    /// accepts and that a row of <paramref name="values"/> values is whole blocks; returns a row's buffer length.
    /// </summary>
    private long WeightRow(string operation, IDeviceBuffer weights, string name, int values)
    {
        Own(weights, name);
        var type = weights.Type;
        if (!SupportsWeights(type))
        {
            var supported = string.Join(", ", Enum.GetValues<DataType>().Where(SupportsWeights).Select(t => t.ShortName()));
            throw new NotSupportedException(
                $"operation '{operation}' with weight type {type} is not supported on device '{_device.Info.Id}'; use {supported} weights or another device");
        }

        if (values % type.BlockValues() != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"rows of {values} values are not a whole number of {type.ShortName()} blocks of {type.BlockValues()}; use a size that is a multiple of {type.BlockValues()}"), name);
        }

        return type.StorageLength(values);
    }

    private static void Known(ActivationKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation; use Relu, Gelu or Silu");
        }
    }

    private void Own(IDeviceBuffer buffer, string name) => Owned(_device, buffer, name);

    private void Float32(IDeviceBuffer buffer, string name, long elements)
    {
        Own(buffer, name);
        Typed(buffer, name, elements, DataType.Float32);
    }

    private void Int32(IDeviceBuffer buffer, string name, long elements)
    {
        Own(buffer, name);
        Typed(buffer, name, elements, DataType.Int32);
    }
}
