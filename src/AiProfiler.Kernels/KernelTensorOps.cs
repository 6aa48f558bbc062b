using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Kernels;

/// <summary>
/// <see cref="ITensorOps"/> for accelerators: every operation except <see cref="Gemm"/> launches a kernel of
/// <see cref="PortableKernels.Source"/> through the device's <see cref="IKernelCompiler"/>; GEMM goes to an
/// <see cref="IGemmEngine"/>. <see cref="TensorOpsBase"/> checks shapes and buffer sizes on the host first: a kernel
/// does not check bounds, so bad input must throw an <see cref="ArgumentException"/> naming the buffer before it
/// reaches memory it does not own.
/// </summary>
public sealed partial class KernelTensorOps : TensorOpsBase, IDisposable
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

    private readonly IDevice _device;
    private readonly IKernelCompiler _compiler;
    private readonly IGemmEngine _gemm;
    private readonly Dictionary<string, IKernel> _kernels = new(StringComparer.Ordinal);

    /// <summary>Creates the operations for one device.</summary>
    /// <param name="device">The device whose buffers the operations accept.</param>
    /// <param name="compiler">The device's compiler; the library source is compiled once and its kernels cached.</param>
    /// <param name="gemm">The GEMM engine.</param>
    public KernelTensorOps(IDevice device, IKernelCompiler compiler, IGemmEngine gemm)
        : base(device)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(gemm);
        _device = device;
        _compiler = compiler;
        _gemm = gemm;
    }

    /// <inheritdoc />
    public override string GemmImplementation => _gemm.Name;

    /// <inheritdoc />
    public override bool SupportsGemm(DataType type) => _gemm.Supports(type);

    /// <inheritdoc />
    protected override int MaxAttentionHeadDim => MaxHeadDim;

    /// <inheritdoc />
    protected override void GemmCore(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c) => _gemm.Gemm(gemm, a, b, c);

    /// <inheritdoc />
    protected override void SoftmaxCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        LaunchRows("softmax_forward", rows, cols, KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void SoftmaxBackwardCore(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        LaunchRows("softmax_backward", rows, cols, KernelArgument.Of(y), KernelArgument.Of(dy), KernelArgument.Of(dx), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void CausalMaskCore(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        var total = (long)batches * rows * cols;
        LaunchElements("causal_mask", total,
            KernelArgument.Of(scores), KernelArgument.Of(total), KernelArgument.Of(rows), KernelArgument.Of(cols), KernelArgument.Of(offset));
    }

    /// <inheritdoc />
    protected override void LayerNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        LaunchRows("layer_norm_forward", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(beta), KernelArgument.Of(y),
            KernelArgument.Of(mean), KernelArgument.Of(rstd), KernelArgument.Of(cols), KernelArgument.Of(epsilon));
    }

    /// <inheritdoc />
    protected override void LayerNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols)
    {
        LaunchRows("layer_norm_backward_input", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(mean), KernelArgument.Of(rstd),
            KernelArgument.Of(dy), KernelArgument.Of(dx), KernelArgument.Of(cols));
        LaunchColumns("layer_norm_backward_params", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(mean), KernelArgument.Of(rstd), KernelArgument.Of(dy),
            KernelArgument.Of(dgamma), KernelArgument.Of(dbeta), KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void RmsNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        LaunchRows("rms_norm_forward", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(y), KernelArgument.Of(rstd),
            KernelArgument.Of(cols), KernelArgument.Of(epsilon));
    }

    /// <inheritdoc />
    protected override void RmsNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols)
    {
        LaunchRows("rms_norm_backward_input", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(gamma), KernelArgument.Of(rstd), KernelArgument.Of(dy),
            KernelArgument.Of(dx), KernelArgument.Of(cols));
        LaunchColumns("rms_norm_backward_params", rows, cols,
            KernelArgument.Of(x), KernelArgument.Of(rstd), KernelArgument.Of(dy), KernelArgument.Of(dgamma),
            KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void ActivationCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        LaunchElements("activation_forward", count,
            KernelArgument.Of((int)kind), KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void ActivationBackwardCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        LaunchElements("activation_backward", count,
            KernelArgument.Of((int)kind), KernelArgument.Of(x), KernelArgument.Of(dy), KernelArgument.Of(dx), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void ElementwiseCore(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        LaunchElements("elementwise", count,
            KernelArgument.Of((int)op), KernelArgument.Of(a), KernelArgument.Of(b), KernelArgument.Of(y), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void AxpbyCore(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        LaunchElements("axpby", count,
            KernelArgument.Of(alpha), KernelArgument.Of(x), KernelArgument.Of(beta), KernelArgument.Of(y), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void AddBiasCore(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        var size = (long)rows * cols;
        LaunchElements("add_bias", size, KernelArgument.Of(x), KernelArgument.Of(bias), KernelArgument.Of(size), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void SumColumnsCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        LaunchColumns("sum_columns", rows, cols, KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void SumCore(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        Launch("fill_u32", 1, KernelArgument.Of(result), KernelArgument.Of(0), KernelArgument.Of(0L), KernelArgument.Of(1L));
        LaunchElements("sum_partial", count, KernelArgument.Of(x), KernelArgument.Of(result), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void EmbeddingGatherCore(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        var total = (long)count * dim;
        if (table.Type != DataType.Float32)
        {
            // Quantized and 16-bit tables are decoded row by row, so they are never expanded in memory.
            LaunchElements("embedding_gather_weights", total,
                KernelArgument.Of(table), KernelArgument.Of(ids), KernelArgument.Of(y), KernelArgument.Of(total),
                KernelArgument.Of(dim), KernelArgument.Of(TableRows(table, dim)), KernelArgument.Of(table.Type.StorageBytes(dim)),
                KernelArgument.Of((int)table.Type));
            return;
        }

        var tableRows = TableRows(table, dim);
        LaunchElements("embedding_gather", total,
            KernelArgument.Of(table), KernelArgument.Of(ids), KernelArgument.Of(y), KernelArgument.Of(total),
            KernelArgument.Of(dim), KernelArgument.Of(tableRows));
    }

    /// <inheritdoc />
    public override bool SupportsWeights(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16 || type.IsBlockQuantized();

    /// <inheritdoc />
    /// <remarks>fp16/bf16 weights at prefill sizes with an engine that takes half inputs: x is rounded to the weights' type.</remarks>
    public override DataType LinearInputType(DataType weightType) =>
        weightType is DataType.Float16 or DataType.BFloat16 && _gemm is IHalfInputGemmEngine half && half.SupportsHalfInputs(weightType)
            ? weightType
            : DataType.Float32;

    /// <inheritdoc />
    /// <remarks>
    /// Below <see cref="PrefillRows"/> rows one work group per (output, row) decodes W on the fly; x stays fp32. From
    /// there on W goes through the GEMM engine: fp32 directly, fp16/bf16 directly when the engine takes half inputs
    /// (cuBLAS), any other type decoded slice by slice into fp32 scratch.
    /// </remarks>
    protected override void LinearWeightsCore(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        if (rows == 0 || outputs == 0 || TryLinearAsGemm(x, weights, y, rows, outputs, inputs, beta))
        {
            return;
        }

        Kernel("linear_weights").Launch(
            new KernelRange((long)outputs * Group, rows),
            new KernelRange(Group, 1),
            KernelArgument.Of(x), KernelArgument.Of(weights), KernelArgument.Of(y), KernelArgument.Of(outputs), KernelArgument.Of(inputs),
            KernelArgument.Of(weights.Type.StorageBytes(inputs)), KernelArgument.Of((int)weights.Type), KernelArgument.Of(beta));
    }

    /// <inheritdoc />
    protected override void RotaryCore(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved)
    {
        var total = (long)rows * heads * (headDim / 2);
        LaunchElements("rotary", total,
            KernelArgument.Of(x), KernelArgument.Of(positions), KernelArgument.Of(frequencies), KernelArgument.Of(total),
            KernelArgument.Of(heads), KernelArgument.Of(headDim), KernelArgument.Of(interleaved ? 1 : 0));
    }

    /// <inheritdoc />
    protected override void EmbeddingBackwardCore(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        var tableRows = TableRows(dtable, dim);
        var total = (long)count * dim;
        LaunchElements("embedding_backward", total,
            KernelArgument.Of(ids), KernelArgument.Of(dy), KernelArgument.Of(dtable), KernelArgument.Of(total),
            KernelArgument.Of(dim), KernelArgument.Of(tableRows));
    }

    /// <inheritdoc />
    protected override void CrossEntropyCore(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        LaunchRows("cross_entropy", rows, cols,
            KernelArgument.Of(logits), KernelArgument.Of(targets), KernelArgument.Of(losses), KernelArgument.Of(dlogits),
            KernelArgument.Of(rows), KernelArgument.Of(cols));
    }

    /// <inheritdoc />
    protected override void AdamWCore(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper)
    {
        var correction1 = (float)(1.0 - Math.Pow(hyper.Beta1, hyper.Step));
        var correction2 = (float)(1.0 - Math.Pow(hyper.Beta2, hyper.Step));
        LaunchElements("adamw", count,
            KernelArgument.Of(parameters), KernelArgument.Of(gradients), KernelArgument.Of(m), KernelArgument.Of(v), KernelArgument.Of(count),
            KernelArgument.Of(hyper.LearningRate), KernelArgument.Of(hyper.Beta1), KernelArgument.Of(hyper.Beta2),
            KernelArgument.Of(hyper.Epsilon), KernelArgument.Of(hyper.WeightDecay),
            KernelArgument.Of(correction1), KernelArgument.Of(correction2));
    }

    /// <inheritdoc />
    protected override void AttentionCore(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        var heads = (long)attention.Batch * attention.Heads;
        var querySize = heads * attention.QueryLength * attention.HeadDim;
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
    protected override void SwapAxesCore(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        var total = (long)batch * dim1 * dim2 * inner;
        LaunchElements("swap_axes", total,
            KernelArgument.Of(x), KernelArgument.Of(y), KernelArgument.Of(total),
            KernelArgument.Of(dim1), KernelArgument.Of(dim2), KernelArgument.Of(inner));
    }

    /// <inheritdoc />
    /// <remarks>Copies bits: types of the same element size (fp16 and bf16, fp32 and int32) may be mixed.</remarks>
    protected override void CopyCore(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count)
    {
        LaunchElements(source.Type.SizeInBytes() == 4 ? "copy_u32" : "copy_u16", count,
            KernelArgument.Of(source), KernelArgument.Of(sourceOffset),
            KernelArgument.Of(destination), KernelArgument.Of(destinationOffset), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void FillCore(IDeviceBuffer buffer, float value, long offset, long count)
    {
        var bits = ElementBits.Encode(value, buffer.Type);
        LaunchElements(buffer.Type.SizeInBytes() == 4 ? "fill_u32" : "fill_u16", count,
            KernelArgument.Of(buffer), KernelArgument.Of(bits), KernelArgument.Of(offset), KernelArgument.Of(count));
    }

    /// <inheritdoc />
    protected override void ConvertCore(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        var kernel = (source.Type, destination.Type) switch
        {
            (DataType.Float32, DataType.Float16) => "f32_to_f16",
            (DataType.Float32, DataType.BFloat16) => "f32_to_bf16",
            (DataType.Float16, DataType.Float32) => "f16_to_f32",
            (DataType.BFloat16, DataType.Float32) => "bf16_to_f32",
            _ => "copy_u32",
        };
        if (kernel == "copy_u32")
        {
            LaunchElements(kernel, count, KernelArgument.Of(source), KernelArgument.Of(0L), KernelArgument.Of(destination), KernelArgument.Of(0L), KernelArgument.Of(count));
            return;
        }

        LaunchElements(kernel, count, KernelArgument.Of(source), KernelArgument.Of(destination), KernelArgument.Of(count));
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
