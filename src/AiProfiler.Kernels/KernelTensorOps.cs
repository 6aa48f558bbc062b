using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Kernels;

/// <summary>
/// <see cref="ITensorOps"/> for accelerators: every operation except <see cref="Gemm"/> launches a kernel of
/// <see cref="PortableKernels.Source"/> through the device's <see cref="IKernelCompiler"/>; GEMM goes to an
/// <see cref="IGemmEngine"/>. Shapes and buffer sizes are checked on the host first, so bad input throws an
/// <see cref="ArgumentException"/> naming the buffer instead of reaching memory it does not own.
/// </summary>
public sealed class KernelTensorOps : ITensorOps
{
    /// <summary>Work-group size of the row and element-wise kernels (AIP_GROUP in the sources).</summary>
    private const int Group = 256;

    /// <summary>Items per query row of the attention kernel (AIP_ATT_ITEMS).</summary>
    private const int AttentionItems = 64;

    /// <summary>Largest head size the attention kernel holds (AIP_ATT_MAX_DIM).</summary>
    private const int MaxHeadDim = 256;

    /// <summary>Columns per group of the column reductions (AIP_COLUMNS).</summary>
    private const int ColumnsPerGroup = 32;

    /// <summary>Element-wise kernels stride over their range, so more groups than this add nothing but launch cost.</summary>
    private const long MaxElementGroups = 4096;

    private readonly IKernelCompiler _compiler;
    private readonly IGemmEngine _gemm;
    private readonly Dictionary<string, IKernel> _kernels = new(StringComparer.Ordinal);

    /// <summary>Creates the operations for one device.</summary>
    /// <param name="compiler">The device's compiler; the library source is compiled once and its kernels cached.</param>
    /// <param name="gemm">The GEMM engine.</param>
    public KernelTensorOps(IKernelCompiler compiler, IGemmEngine gemm)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(gemm);
        _compiler = compiler;
        _gemm = gemm;
    }

    /// <inheritdoc />
    public string GemmImplementation => _gemm.Name;

    /// <inheritdoc />
    public bool SupportsGemm(DataType type) => _gemm.Supports(type);

    /// <inheritdoc />
    public void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (!_gemm.Supports(gemm.Type))
        {
            throw new NotSupportedException($"GEMM on {gemm.Type.ShortName()} is not supported by {_gemm.Name} on this device; use fp32 or another device");
        }

        TensorChecks.Gemm(gemm, a, b, c);
        _gemm.Gemm(gemm, a, b, c);
    }

    /// <inheritdoc />
    public void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(y, nameof(y), size);
        LaunchRows("softmax_forward", rows, cols, KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(y, nameof(y), size);
        TensorChecks.Float32(dy, nameof(dy), size);
        TensorChecks.Float32(dx, nameof(dx), size);
        LaunchRows("softmax_backward", rows, cols, KernelArgument.Of(y), KernelArgument.Of(dy), KernelArgument.Of(dx), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        TensorChecks.NonNegative(batches, nameof(batches));
        TensorChecks.Shape(rows, cols);
        var total = (long)batches * rows * cols;
        TensorChecks.Float32(scores, nameof(scores), total);
        LaunchElements("causal_mask", total,
            KernelArgument.Of(scores), KernelArgument.Of(total), KernelArgument.Of(rows), KernelArgument.Of(cols), KernelArgument.Of(offset));
    }

    /// <inheritdoc />
    public void LayerNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(gamma, nameof(gamma), cols);
        TensorChecks.Float32(beta, nameof(beta), cols);
        TensorChecks.Float32(y, nameof(y), size);
        TensorChecks.Float32(mean, nameof(mean), rows);
        TensorChecks.Float32(rstd, nameof(rstd), rows);
        LaunchRows("layer_norm_forward", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(beta), KernelArgument.Of(y),
            KernelArgument.Of(mean), KernelArgument.Of(rstd), KernelArgument.Of(cols), KernelArgument.Of(epsilon));
    }

    /// <inheritdoc />
    public void LayerNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(gamma, nameof(gamma), cols);
        TensorChecks.Float32(mean, nameof(mean), rows);
        TensorChecks.Float32(rstd, nameof(rstd), rows);
        TensorChecks.Float32(dy, nameof(dy), size);
        TensorChecks.Float32(dx, nameof(dx), size);
        TensorChecks.Float32(dgamma, nameof(dgamma), cols);
        TensorChecks.Float32(dbeta, nameof(dbeta), cols);
        LaunchRows("layer_norm_backward_input", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(mean), KernelArgument.Of(rstd),
            KernelArgument.Of(dy), KernelArgument.Of(dx), KernelArgument.Of(cols));
        LaunchColumns("layer_norm_backward_params", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(mean), KernelArgument.Of(rstd), KernelArgument.Of(dy),
            KernelArgument.Of(dgamma), KernelArgument.Of(dbeta), KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(gamma, nameof(gamma), cols);
        TensorChecks.Float32(y, nameof(y), size);
        TensorChecks.Float32(rstd, nameof(rstd), rows);
        LaunchRows("rms_norm_forward", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(y), KernelArgument.Of(rstd),
            KernelArgument.Of(cols), KernelArgument.Of(epsilon));
    }

    /// <inheritdoc />
    public void RmsNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(gamma, nameof(gamma), cols);
        TensorChecks.Float32(rstd, nameof(rstd), rows);
        TensorChecks.Float32(dy, nameof(dy), size);
        TensorChecks.Float32(dx, nameof(dx), size);
        TensorChecks.Float32(dgamma, nameof(dgamma), cols);
        LaunchRows("rms_norm_backward_input", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(rstd), KernelArgument.Of(dy),
            KernelArgument.Of(dx), KernelArgument.Of(cols));
        LaunchColumns("rms_norm_backward_params", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(rstd), KernelArgument.Of(dy), KernelArgument.Of(dgamma),
            KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        TensorChecks.Activation(kind);
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(y, nameof(y), count);
        LaunchElements("activation_forward", count,
            KernelArgument.Of((int)kind), KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        TensorChecks.Activation(kind);
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(dy, nameof(dy), count);
        TensorChecks.Float32(dx, nameof(dx), count);
        LaunchElements("activation_backward", count,
            KernelArgument.Of((int)kind), KernelArgument.Of(x), KernelArgument.Of(dy), KernelArgument.Of(dx), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "unknown element-wise operation; use Add, Subtract or Multiply");
        }

        TensorChecks.Float32(a, nameof(a), count);
        TensorChecks.Float32(b, nameof(b), count);
        TensorChecks.Float32(y, nameof(y), count);
        LaunchElements("elementwise", count,
            KernelArgument.Of((int)op), KernelArgument.Of(a), KernelArgument.Of(b), KernelArgument.Of(y), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(y, nameof(y), count);
        LaunchElements("axpby", count,
            KernelArgument.Of(alpha), KernelArgument.Of(x), KernelArgument.Of(beta), KernelArgument.Of(y), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(bias, nameof(bias), cols);
        LaunchElements("add_bias", size, KernelArgument.Of(x), KernelArgument.Of(bias), KernelArgument.Of(size), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        TensorChecks.Float32(x, nameof(x), (long)rows * cols);
        TensorChecks.Float32(y, nameof(y), cols);
        LaunchColumns("sum_columns", rows, cols, KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void Sum(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(result, nameof(result), 1);
        Launch("fill_u32", 1, KernelArgument.Of(result), KernelArgument.Of(0), KernelArgument.Of(0L), KernelArgument.Of(1L));
        LaunchElements("sum_partial", count, KernelArgument.Of(x), KernelArgument.Of(result), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        ArgumentNullException.ThrowIfNull(table);
        TensorChecks.Shape(count, dim);
        TensorChecks.Int32(ids, nameof(ids), count);
        var total = (long)count * dim;
        TensorChecks.Float32(y, nameof(y), total);
        if (table.Type != DataType.Float32)
        {
            var rowLength = CheckWeights(table.Type, dim, nameof(table));
            var rows = dim == 0 ? 0 : (int)Math.Min(int.MaxValue, table.Length / rowLength);
            LaunchElements("embedding_gather_weights", total,
                KernelArgument.Of(table), KernelArgument.Of(ids), KernelArgument.Of(y), KernelArgument.Of(total),
                KernelArgument.Of(dim), KernelArgument.Of(rows), KernelArgument.Of(rowLength * table.Type.SizeInBytes()),
                KernelArgument.Of((int)table.Type));
            return;
        }

        var tableRows = TensorChecks.TableRows(table, nameof(table), dim);
        LaunchElements("embedding_gather", total,
            KernelArgument.Of(table), KernelArgument.Of(ids), KernelArgument.Of(y), KernelArgument.Of(total),
            KernelArgument.Of(dim), KernelArgument.Of(tableRows));
    }

    /// <inheritdoc />
    public bool SupportsWeights(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16 || type.IsBlockQuantized();

    /// <inheritdoc />
    /// <remarks>One work group per (output, row) decodes W on the fly; x stays fp32.</remarks>
    public void LinearWeights(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        ArgumentNullException.ThrowIfNull(weights);
        TensorChecks.Shape(rows, inputs);
        TensorChecks.NonNegative(outputs, nameof(outputs));
        var rowLength = CheckWeights(weights.Type, inputs, nameof(weights));
        TensorChecks.Range(weights, nameof(weights), 0, outputs * rowLength);
        TensorChecks.Float32(x, nameof(x), (long)rows * inputs);
        TensorChecks.Float32(y, nameof(y), (long)rows * outputs);
        if (rows == 0 || outputs == 0)
        {
            return;
        }

        Kernel("linear_weights").Launch(
            new KernelRange((long)outputs * Group, rows),
            new KernelRange(Group, 1),
            KernelArgument.Of(x), KernelArgument.Of(weights), KernelArgument.Of(y), KernelArgument.Of(outputs), KernelArgument.Of(inputs),
            KernelArgument.Of(rowLength * weights.Type.SizeInBytes()), KernelArgument.Of((int)weights.Type), KernelArgument.Of(beta));
    }

    /// <inheritdoc />
    public void Rotary(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved)
    {
        TensorChecks.Shape(rows, heads);
        TensorChecks.NonNegative(headDim, nameof(headDim));
        if (headDim % 2 != 0)
        {
            throw new ArgumentException($"rotary embedding needs an even head size, got {headDim}", nameof(headDim));
        }

        var total = (long)rows * heads * (headDim / 2);
        TensorChecks.Float32(x, nameof(x), (long)rows * heads * headDim);
        TensorChecks.Int32(positions, nameof(positions), rows);
        TensorChecks.Float32(frequencies, nameof(frequencies), headDim / 2);
        LaunchElements("rotary", total,
            KernelArgument.Of(x), KernelArgument.Of(positions), KernelArgument.Of(frequencies), KernelArgument.Of(total),
            KernelArgument.Of(heads), KernelArgument.Of(headDim), KernelArgument.Of(interleaved ? 1 : 0));
    }

    /// <inheritdoc />
    public void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        TensorChecks.Shape(count, dim);
        var tableRows = TensorChecks.TableRows(dtable, nameof(dtable), dim);
        TensorChecks.Int32(ids, nameof(ids), count);
        var total = (long)count * dim;
        TensorChecks.Float32(dy, nameof(dy), total);
        LaunchElements("embedding_backward", total,
            KernelArgument.Of(ids), KernelArgument.Of(dy), KernelArgument.Of(dtable), KernelArgument.Of(total),
            KernelArgument.Of(dim), KernelArgument.Of(tableRows));
    }

    /// <inheritdoc />
    public void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(logits, nameof(logits), size);
        TensorChecks.Int32(targets, nameof(targets), rows);
        TensorChecks.Float32(losses, nameof(losses), rows);
        TensorChecks.Float32(dlogits, nameof(dlogits), size);
        LaunchRows("cross_entropy", rows, cols,
            KernelArgument.Of(logits), KernelArgument.Of(targets), KernelArgument.Of(losses), KernelArgument.Of(dlogits),
            KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    public void AdamW(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper)
    {
        if (hyper.Step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hyper), hyper.Step, "the AdamW step counts from 1");
        }

        TensorChecks.Float32(parameters, nameof(parameters), count);
        TensorChecks.Float32(gradients, nameof(gradients), count);
        TensorChecks.Float32(m, nameof(m), count);
        TensorChecks.Float32(v, nameof(v), count);
        var correction1 = (float)(1.0 - Math.Pow(hyper.Beta1, hyper.Step));
        var correction2 = (float)(1.0 - Math.Pow(hyper.Beta2, hyper.Step));
        LaunchElements("adamw", count,
            KernelArgument.Of(parameters), KernelArgument.Of(gradients), KernelArgument.Of(m), KernelArgument.Of(v), KernelArgument.Of(count),
            KernelArgument.Of(hyper.LearningRate), KernelArgument.Of(hyper.Beta1), KernelArgument.Of(hyper.Beta2),
            KernelArgument.Of(hyper.Epsilon), KernelArgument.Of(hyper.WeightDecay),
            KernelArgument.Of(correction1), KernelArgument.Of(correction2));
    }

    /// <inheritdoc />
    public void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        TensorChecks.Attention(attention, MaxHeadDim);
        var heads = (long)attention.Batch * attention.Heads;
        var querySize = heads * attention.QueryLength * attention.HeadDim;
        var keySize = (long)attention.Batch * attention.EffectiveKeyHeads * attention.EffectiveKeyCapacity * attention.HeadDim;
        TensorChecks.Float32(q, nameof(q), querySize);
        TensorChecks.Float32(k, nameof(k), keySize);
        TensorChecks.Float32(v, nameof(v), keySize);
        TensorChecks.Float32(o, nameof(o), querySize);
        if (querySize == 0)
        {
            return;
        }

        Kernel("attention_forward").Launch(
            new KernelRange((long)attention.QueryLength * AttentionItems, heads),
            new KernelRange(AttentionItems, 1),
            KernelArgument.Of(q), KernelArgument.Of(k), KernelArgument.Of(v), KernelArgument.Of(o),
            KernelArgument.Of(attention.QueryLength), KernelArgument.Of(attention.KeyLength),
            KernelArgument.Of(attention.EffectiveKeyCapacity), KernelArgument.Of(attention.HeadDim),
            KernelArgument.Of(attention.Causal ? 1 : 0), KernelArgument.Of(attention.EffectiveQueryOffset),
            KernelArgument.Of(attention.EffectiveScale), KernelArgument.Of(attention.Heads / attention.EffectiveKeyHeads));
    }

    /// <inheritdoc />
    public void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        TensorChecks.NonNegative(batch, nameof(batch));
        TensorChecks.NonNegative(dim1, nameof(dim1));
        TensorChecks.NonNegative(dim2, nameof(dim2));
        TensorChecks.NonNegative(inner, nameof(inner));
        var total = (long)batch * dim1 * dim2 * inner;
        TensorChecks.Float32(x, nameof(x), total);
        TensorChecks.Float32(y, nameof(y), total);
        LaunchElements("swap_axes", total,
            KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(total),
            KernelArgument.Of(dim1), KernelArgument.Of(dim2), KernelArgument.Of(inner));
    }

    /// <inheritdoc />
    /// <remarks>Copies bits: types of the same element size (fp16 and bf16, fp32 and int32) may be mixed, as on the CPU.</remarks>
    public void Copy(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Type.SizeInBytes() != destination.Type.SizeInBytes())
        {
            throw new ArgumentException($"cannot copy {source.Type.ShortName()} into {destination.Type.ShortName()}; use Convert to change the type", nameof(destination));
        }

        TensorChecks.Range(source, nameof(source), sourceOffset, count);
        TensorChecks.Range(destination, nameof(destination), destinationOffset, count);
        LaunchElements(source.Type.SizeInBytes() == 4 ? "copy_u32" : "copy_u16", count,
            KernelArgument.Of(source), KernelArgument.Of(sourceOffset),
            KernelArgument.Of(destination), KernelArgument.Of(destinationOffset), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void Fill(IDeviceBuffer buffer, float value, long offset, long count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        TensorChecks.Range(buffer, nameof(buffer), offset, count);
        var bits = ElementBits.Encode(value, buffer.Type);
        LaunchElements(buffer.Type.SizeInBytes() == 4 ? "fill_u32" : "fill_u16", count,
            KernelArgument.Of(buffer), KernelArgument.Of(bits), KernelArgument.Of(offset), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    public void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var kernel = (source.Type, destination.Type) switch
        {
            (DataType.Float32, DataType.Float16) => "f32_to_f16",
            (DataType.Float32, DataType.BFloat16) => "f32_to_bf16",
            (DataType.Float16, DataType.Float32) => "f16_to_f32",
            (DataType.BFloat16, DataType.Float32) => "bf16_to_f32",
            (DataType.Float32, DataType.Float32) => "copy_u32",
            _ => throw new NotSupportedException(
                $"cannot convert {source.Type.ShortName()} to {destination.Type.ShortName()}; convert between fp32 and fp16 or bf16"),
        };
        TensorChecks.Range(source, nameof(source), 0, count);
        TensorChecks.Range(destination, nameof(destination), 0, count);
        if (kernel == "copy_u32")
        {
            LaunchElements(kernel, count, KernelArgument.Of(source), KernelArgument.Of(0L), KernelArgument.Of(destination), KernelArgument.Of(0L), KernelArgument.Of(count));
            return;
        }

        LaunchElements(kernel, count, KernelArgument.Of(source), KernelArgument.Of(destination), KernelArgument.Of(count));
    }

    /// <summary>Checks that the weight type is supported and a row is whole blocks; returns a row's buffer length.</summary>
    private long CheckWeights(DataType type, int inputs, string name)
    {
        if (!SupportsWeights(type))
        {
            throw new NotSupportedException($"weights in {type.ShortName()} are not supported; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
        }

        if (inputs % type.BlockValues() != 0)
        {
            throw new ArgumentException($"rows of {inputs} values are not a whole number of {type.ShortName()} blocks of {type.BlockValues()}", name);
        }

        return type.StorageLength(inputs);
    }

    private IKernel Kernel(string name)
    {
        if (!_kernels.TryGetValue(name, out var kernel))
        {
            kernel = _compiler.Compile(PortableKernels.Source, name);
            _kernels.Add(name, kernel);
        }

        return kernel;
    }

    /// <summary>One group of <see cref="Group"/> items per row.</summary>
    private void LaunchRows(string name, int rows, int cols, params ReadOnlySpan<KernelArgument> arguments)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        Launch(name, rows, arguments);
    }

    /// <summary>One group per <see cref="ColumnsPerGroup"/> columns.</summary>
    private void LaunchColumns(string name, int rows, int cols, params ReadOnlySpan<KernelArgument> arguments)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        Launch(name, (cols + ColumnsPerGroup - 1) / ColumnsPerGroup, arguments);
    }

    /// <summary>Enough groups to give every element an item, capped; the kernels stride over the rest.</summary>
    private void LaunchElements(string name, long count, params ReadOnlySpan<KernelArgument> arguments)
    {
        if (count == 0)
        {
            return;
        }

        Launch(name, Math.Min((count + Group - 1) / Group, MaxElementGroups), arguments);
    }

    private void Launch(string name, long groups, params ReadOnlySpan<KernelArgument> arguments) =>
        Kernel(name).Launch(new KernelRange(groups * Group), new KernelRange(Group), arguments);
}
