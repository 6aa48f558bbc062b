using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Ilgpu.Kernels;
using AiProfiler.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// <see cref="ITensorOps"/> on an ILGPU accelerator: every operation is a C# kernel of <c>Kernels/</c>, compiled by
/// ILGPU once per device; GEMM goes to an <see cref="IGemmEngine"/> (the tiled C# kernel or cuBLAS).
/// <see cref="TensorOpsBase"/> checks shapes and buffer sizes on the host first, as for every backend, because a kernel
/// does not check bounds.
/// </summary>
internal sealed class IlgpuTensorOps(IlgpuDevice device, IGemmEngine gemm) : TensorOpsBase(device)
{
    private IlgpuLaunchShape Shape => device.Launch;

    public override string GemmImplementation => gemm.Name;

    public override bool SupportsGemm(DataType type) => gemm.Supports(type);

    protected override int MaxAttentionHeadDim => AttentionKernels.MaxHeadDim;

    protected override void GemmCore(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c) => gemm.Gemm(g, a, b, c);

    protected override void SoftmaxCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        var size = (long)rows * cols;
        if (size > 0)
        {
            device.LoadKernel("softmax_forward", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(RowKernels.SoftmaxForward))(
                Rows(rows), F(x), F(y), rows, cols);
        }
    }

    protected override void SoftmaxBackwardCore(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        var size = (long)rows * cols;
        if (size > 0)
        {
            device.LoadKernel("softmax_backward", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.SoftmaxBackward))(
                Rows(rows), F(y), F(dy), F(dx), rows, cols);
        }
    }

    protected override void CausalMaskCore(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        var total = (long)batches * rows * cols;
        if (total > 0)
        {
            device.LoadKernel("causal_mask", static a => a.LoadStreamKernel<ArrayView<float>, long, int, int, int>(ElementKernels.CausalMask))(
                Elements(total), F(scores), total, rows, cols, offset);
        }
    }

    protected override void LayerNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        var size = (long)rows * cols;
        if (size > 0)
        {
            device.LoadKernel("layer_norm_forward", static a => a.LoadStreamKernel<
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(RowKernels.LayerNormForward))(
                Rows(rows), F(x), F(gamma), F(beta), F(y), F(mean), F(rstd), rows, cols, epsilon);
        }
    }

    protected override void LayerNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols)
    {
        var size = (long)rows * cols;
        if (size == 0)
        {
            return;
        }

        device.LoadKernel("layer_norm_backward_input", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.LayerNormBackwardInput))(
            Rows(rows), F(x), F(gamma), F(mean), F(rstd), F(dy), F(dx), rows, cols);
        device.LoadKernel("layer_norm_backward_params", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(ColumnKernels.LayerNormBackwardParams))(
            Columns(cols), F(x), F(mean), F(rstd), F(dy), F(dgamma), F(dbeta), rows, cols, Shape.ColumnsPerGroup);
    }

    protected override void RmsNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        var size = (long)rows * cols;
        if (size > 0)
        {
            device.LoadKernel("rms_norm_forward", static a => a.LoadStreamKernel<
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(RowKernels.RmsNormForward))(
                Rows(rows), F(x), F(gamma), F(y), F(rstd), rows, cols, epsilon);
        }
    }

    protected override void RmsNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols)
    {
        var size = (long)rows * cols;
        if (size == 0)
        {
            return;
        }

        device.LoadKernel("rms_norm_backward_input", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.RmsNormBackwardInput))(
            Rows(rows), F(x), F(gamma), F(rstd), F(dy), F(dx), rows, cols);
        device.LoadKernel("rms_norm_backward_params", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(ColumnKernels.RmsNormBackwardParams))(
            Columns(cols), F(x), F(rstd), F(dy), F(dgamma), rows, cols, Shape.ColumnsPerGroup);
    }

    protected override void ActivationCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        if (count > 0)
        {
            device.LoadKernel("activation_forward", static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, long>(ElementKernels.ActivationForward))(
                Elements(count), (int)kind, F(x), F(y), count);
        }
    }

    protected override void ActivationBackwardCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        if (count > 0)
        {
            device.LoadKernel("activation_backward", static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, long>(ElementKernels.ActivationBackward))(
                Elements(count), (int)kind, F(x), F(dy), F(dx), count);
        }
    }

    protected override void ElementwiseCore(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        if (count > 0)
        {
            device.LoadKernel("elementwise", static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, long>(ElementKernels.Elementwise))(
                Elements(count), (int)op, F(a), F(b), F(y), count);
        }
    }

    protected override void AxpbyCore(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        if (count > 0)
        {
            device.LoadKernel("axpby", static a => a.LoadStreamKernel<float, ArrayView<float>, float, ArrayView<float>, long>(ElementKernels.Axpby))(
                Elements(count), alpha, F(x), beta, F(y), count);
        }
    }

    protected override void AddBiasCore(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        var size = (long)rows * cols;
        if (size > 0)
        {
            device.LoadKernel("add_bias", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, long, int>(ElementKernels.AddBias))(
                Elements(size), F(x), F(bias), size, cols);
        }
    }

    protected override void SumColumnsCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        if (rows > 0 && cols > 0)
        {
            device.LoadKernel("sum_columns", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(ColumnKernels.SumColumns))(
                Columns(cols), F(x), F(y), rows, cols, Shape.ColumnsPerGroup);
        }
    }

    protected override void SumCore(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        Fill(result, 0f, 0, 1);
        if (count > 0)
        {
            device.LoadKernel("sum_partial", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, long>(ElementKernels.SumPartial))(
                Elements(count), F(x), F(result), count);
        }
    }

    protected override void EmbeddingGatherCore(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        var tableRows = TableRows(table, dim);
        var total = (long)count * dim;
        if (total > 0)
        {
            device.LoadKernel("embedding_gather", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, long, int, int>(ElementKernels.EmbeddingGather))(
                Elements(total), F(table), I(ids), F(y), total, dim, tableRows);
        }
    }

    protected override void RotaryCore(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved)
    {
        var total = (long)rows * heads * (headDim / 2);
        if (total > 0)
        {
            device.LoadKernel("rotary", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, long, int, int, int>(ElementKernels.Rotary))(
                Elements(total), F(x), I(positions), F(frequencies), total, heads, headDim, interleaved ? 1 : 0);
        }
    }

    protected override void EmbeddingBackwardCore(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        var tableRows = TableRows(dtable, dim);
        var total = (long)count * dim;
        if (total > 0)
        {
            device.LoadKernel("embedding_backward", static a => a.LoadStreamKernel<ArrayView<int>, ArrayView<float>, ArrayView<float>, long, int, int>(ElementKernels.EmbeddingBackward))(
                Elements(total), I(ids), F(dy), F(dtable), total, dim, tableRows);
        }
    }

    protected override void CrossEntropyCore(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        var size = (long)rows * cols;
        if (size > 0)
        {
            device.LoadKernel("cross_entropy", static a => a.LoadStreamKernel<
                ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.CrossEntropy))(
                Rows(rows), F(logits), I(targets), F(losses), F(dlogits), rows, cols);
        }
    }

    protected override void AdamWCore(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper)
    {
        if (count == 0)
        {
            return;
        }

        var scalars = new AdamWScalars(hyper.LearningRate, hyper.Beta1, hyper.Beta2, hyper.Epsilon, hyper.WeightDecay,
            (float)(1.0 - Math.Pow(hyper.Beta1, hyper.Step)), (float)(1.0 - Math.Pow(hyper.Beta2, hyper.Step)));
        device.LoadKernel("adamw", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, long, AdamWScalars>(ElementKernels.AdamW))(
            Elements(count), F(parameters), F(gradients), F(m), F(v), count, scalars);
    }

    protected override void AttentionCore(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        var heads = (long)attention.Batch * attention.Heads;
        var querySize = heads * attention.QueryLength * attention.HeadDim;
        if (querySize == 0)
        {
            return;
        }

        var arguments = new AttentionArguments((int)heads, attention.QueryLength, attention.KeyLength, attention.EffectiveKeyCapacity,
            attention.HeadDim, attention.Causal ? 1 : 0, attention.EffectiveQueryOffset, attention.EffectiveScale,
            attention.Heads / attention.EffectiveKeyHeads);
        device.LoadKernel("attention_forward", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArguments>(AttentionKernels.Forward))(
            new KernelConfig(Shape.GroupsFor(heads * attention.QueryLength), Shape.AttentionItems),
            F(q), F(k), F(v), F(o), arguments);
    }

    protected override void SwapAxesCore(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        var total = (long)batch * dim1 * dim2 * inner;
        if (total > 0)
        {
            device.LoadKernel("swap_axes", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, long, int, int, int>(ElementKernels.SwapAxes))(
                Elements(total), F(x), F(y), total, dim1, dim2, inner);
        }
    }

    /// <summary>Copies bits: types of the same element size (fp16 and bf16, fp32 and int32) may be mixed, as on the CPU.</summary>
    protected override void CopyCore(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count)
    {
        if (count == 0)
        {
            return;
        }

        if (source.Type.SizeInBytes() == 4)
        {
            device.LoadKernel("copy_32", static a => a.LoadStreamKernel<ArrayView<int>, long, ArrayView<int>, long, long>(ElementKernels.Copy32))(
                Elements(count), device.Own(source).Words<int>(), sourceOffset, device.Own(destination).Words<int>(), destinationOffset, count);
        }
        else
        {
            device.LoadKernel("copy_16", static a => a.LoadStreamKernel<ArrayView<ushort>, long, ArrayView<ushort>, long, long>(ElementKernels.Copy16))(
                Elements(count), device.Own(source).Words<ushort>(), sourceOffset, device.Own(destination).Words<ushort>(), destinationOffset, count);
        }
    }

    protected override void FillCore(IDeviceBuffer buffer, float value, long offset, long count)
    {
        if (count == 0)
        {
            return;
        }

        var bits = ElementBits.Encode(value, buffer.Type);
        if (buffer.Type.SizeInBytes() == 4)
        {
            device.LoadKernel("fill_32", static a => a.LoadStreamKernel<ArrayView<int>, int, long, long>(ElementKernels.Fill32))(
                Elements(count), device.Own(buffer).Words<int>(), bits, offset, count);
        }
        else
        {
            device.LoadKernel("fill_16", static a => a.LoadStreamKernel<ArrayView<ushort>, int, long, long>(ElementKernels.Fill16))(
                Elements(count), device.Own(buffer).Words<ushort>(), bits, offset, count);
        }
    }

    protected override void ConvertCore(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        var direction = (source.Type, destination.Type) switch
        {
            (DataType.Float32, DataType.Float16 or DataType.BFloat16) => 1,
            (DataType.Float16 or DataType.BFloat16, DataType.Float32) => -1,
            (DataType.Float32, DataType.Float32) => 0,
            _ => throw new NotSupportedException(
                $"cannot convert {source.Type.ShortName()} to {destination.Type.ShortName()}; convert between fp32 and fp16 or bf16"),
        };
        if (direction == 0)
        {
            Copy(source, 0, destination, 0, count);
        }
        else if (count > 0 && direction > 0)
        {
            device.LoadKernel("narrow", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<ushort>, long, int>(ElementKernels.Narrow))(
                Elements(count), F(source), device.Own(destination).View<ushort>(), count, (int)destination.Type);
        }
        else if (count > 0)
        {
            device.LoadKernel("widen", static a => a.LoadStreamKernel<ArrayView<ushort>, ArrayView<float>, long, int>(ElementKernels.Widen))(
                Elements(count), device.Own(source).View<ushort>(), F(destination), count, (int)source.Type);
        }
    }

    private ArrayView<float> F(IDeviceBuffer buffer) => device.Own(buffer).View<float>();

    private ArrayView<int> I(IDeviceBuffer buffer) => device.Own(buffer).View<int>();

    /// <summary>One group per row, up to the device's cap; the kernels stride over the rest.</summary>
    private KernelConfig Rows(int rows) => new(Shape.GroupsFor(rows), Shape.Group);

    /// <summary>One group per <see cref="IlgpuLaunchShape.ColumnsPerGroup"/> columns, up to the device's cap.</summary>
    private KernelConfig Columns(int cols) => new(Shape.GroupsFor((cols + Shape.ColumnsPerGroup - 1) / Shape.ColumnsPerGroup), Shape.Group);

    /// <summary>Enough groups to give every element an item, capped; the kernels stride over the rest.</summary>
    private KernelConfig Elements(long count) =>
        new(Shape.GroupsFor(Math.Min((count + Shape.Group - 1) / Shape.Group, IlgpuLaunchShape.MaxElementGroups)), Shape.Group);
}
