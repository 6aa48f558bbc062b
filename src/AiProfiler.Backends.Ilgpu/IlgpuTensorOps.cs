using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Ilgpu.Kernels;
using AiProfiler.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// <see cref="ITensorOps"/> on an ILGPU accelerator: every operation is a C# kernel of <c>Kernels/</c>, compiled by
/// ILGPU once per device; GEMM goes to an <see cref="IGemmEngine"/> (the tiled C# kernel or cuBLAS). Shapes and buffer
/// sizes are checked on the host first (<see cref="TensorChecks"/>, as for the other accelerators), because a kernel
/// does not check bounds.
/// </summary>
internal sealed class IlgpuTensorOps(IlgpuDevice device, IGemmEngine gemm) : ITensorOps
{
    private IlgpuLaunchShape Shape => device.Launch;

    public string GemmImplementation => gemm.Name;

    public bool SupportsGemm(DataType type) => gemm.Supports(type);

    public void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (!gemm.Supports(g.Type))
        {
            throw new NotSupportedException($"GEMM on {g.Type.ShortName()} is not supported by {gemm.Name} on this device; use fp32, AIPROFILER_ILGPU_GEMM=tiled or another device");
        }

        TensorChecks.Gemm(g, a, b, c);
        gemm.Gemm(g, a, b, c);
    }

    public void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(y, nameof(y), size);
        if (size > 0)
        {
            device.LoadKernel("softmax_forward", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(RowKernels.SoftmaxForward))(
                Rows(rows), F(x), F(y), rows, cols);
        }
    }

    public void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(y, nameof(y), size);
        TensorChecks.Float32(dy, nameof(dy), size);
        TensorChecks.Float32(dx, nameof(dx), size);
        if (size > 0)
        {
            device.LoadKernel("softmax_backward", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.SoftmaxBackward))(
                Rows(rows), F(y), F(dy), F(dx), rows, cols);
        }
    }

    public void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        TensorChecks.NonNegative(batches, nameof(batches));
        TensorChecks.Shape(rows, cols);
        var total = (long)batches * rows * cols;
        TensorChecks.Float32(scores, nameof(scores), total);
        if (total > 0)
        {
            device.LoadKernel("causal_mask", static a => a.LoadStreamKernel<ArrayView<float>, long, int, int, int>(ElementKernels.CausalMask))(
                Elements(total), F(scores), total, rows, cols, offset);
        }
    }

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
        if (size > 0)
        {
            device.LoadKernel("layer_norm_forward", static a => a.LoadStreamKernel<
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(RowKernels.LayerNormForward))(
                Rows(rows), F(x), F(gamma), F(beta), F(y), F(mean), F(rstd), rows, cols, epsilon);
        }
    }

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

    public void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(gamma, nameof(gamma), cols);
        TensorChecks.Float32(y, nameof(y), size);
        TensorChecks.Float32(rstd, nameof(rstd), rows);
        if (size > 0)
        {
            device.LoadKernel("rms_norm_forward", static a => a.LoadStreamKernel<
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(RowKernels.RmsNormForward))(
                Rows(rows), F(x), F(gamma), F(y), F(rstd), rows, cols, epsilon);
        }
    }

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

    public void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        TensorChecks.Activation(kind);
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(y, nameof(y), count);
        if (count > 0)
        {
            device.LoadKernel("activation_forward", static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, long>(ElementKernels.ActivationForward))(
                Elements(count), (int)kind, F(x), F(y), count);
        }
    }

    public void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        TensorChecks.Activation(kind);
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(dy, nameof(dy), count);
        TensorChecks.Float32(dx, nameof(dx), count);
        if (count > 0)
        {
            device.LoadKernel("activation_backward", static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, long>(ElementKernels.ActivationBackward))(
                Elements(count), (int)kind, F(x), F(dy), F(dx), count);
        }
    }

    public void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "unknown element-wise operation; use Add, Subtract or Multiply");
        }

        TensorChecks.Float32(a, nameof(a), count);
        TensorChecks.Float32(b, nameof(b), count);
        TensorChecks.Float32(y, nameof(y), count);
        if (count > 0)
        {
            device.LoadKernel("elementwise", static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, long>(ElementKernels.Elementwise))(
                Elements(count), (int)op, F(a), F(b), F(y), count);
        }
    }

    public void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(y, nameof(y), count);
        if (count > 0)
        {
            device.LoadKernel("axpby", static a => a.LoadStreamKernel<float, ArrayView<float>, float, ArrayView<float>, long>(ElementKernels.Axpby))(
                Elements(count), alpha, F(x), beta, F(y), count);
        }
    }

    public void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(x, nameof(x), size);
        TensorChecks.Float32(bias, nameof(bias), cols);
        if (size > 0)
        {
            device.LoadKernel("add_bias", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, long, int>(ElementKernels.AddBias))(
                Elements(size), F(x), F(bias), size, cols);
        }
    }

    public void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        TensorChecks.Float32(x, nameof(x), (long)rows * cols);
        TensorChecks.Float32(y, nameof(y), cols);
        if (rows > 0 && cols > 0)
        {
            device.LoadKernel("sum_columns", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(ColumnKernels.SumColumns))(
                Columns(cols), F(x), F(y), rows, cols, Shape.ColumnsPerGroup);
        }
    }

    public void Sum(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        TensorChecks.Float32(x, nameof(x), count);
        TensorChecks.Float32(result, nameof(result), 1);
        Fill(result, 0f, 0, 1);
        if (count > 0)
        {
            device.LoadKernel("sum_partial", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, long>(ElementKernels.SumPartial))(
                Elements(count), F(x), F(result), count);
        }
    }

    public void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        TensorChecks.Shape(count, dim);
        var tableRows = TensorChecks.TableRows(table, nameof(table), dim);
        TensorChecks.Int32(ids, nameof(ids), count);
        var total = (long)count * dim;
        TensorChecks.Float32(y, nameof(y), total);
        if (total > 0)
        {
            device.LoadKernel("embedding_gather", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, long, int, int>(ElementKernels.EmbeddingGather))(
                Elements(total), F(table), I(ids), F(y), total, dim, tableRows);
        }
    }

    public void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        TensorChecks.Shape(count, dim);
        var tableRows = TensorChecks.TableRows(dtable, nameof(dtable), dim);
        TensorChecks.Int32(ids, nameof(ids), count);
        var total = (long)count * dim;
        TensorChecks.Float32(dy, nameof(dy), total);
        if (total > 0)
        {
            device.LoadKernel("embedding_backward", static a => a.LoadStreamKernel<ArrayView<int>, ArrayView<float>, ArrayView<float>, long, int, int>(ElementKernels.EmbeddingBackward))(
                Elements(total), I(ids), F(dy), F(dtable), total, dim, tableRows);
        }
    }

    public void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        TensorChecks.Shape(rows, cols);
        var size = (long)rows * cols;
        TensorChecks.Float32(logits, nameof(logits), size);
        TensorChecks.Int32(targets, nameof(targets), rows);
        TensorChecks.Float32(losses, nameof(losses), rows);
        TensorChecks.Float32(dlogits, nameof(dlogits), size);
        if (size > 0)
        {
            device.LoadKernel("cross_entropy", static a => a.LoadStreamKernel<
                ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.CrossEntropy))(
                Rows(rows), F(logits), I(targets), F(losses), F(dlogits), rows, cols);
        }
    }

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

    public void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        TensorChecks.Attention(attention, AttentionKernels.MaxHeadDim);
        var heads = (long)attention.Batch * attention.Heads;
        var querySize = heads * attention.QueryLength * attention.HeadDim;
        var keySize = heads * attention.EffectiveKeyCapacity * attention.HeadDim;
        TensorChecks.Float32(q, nameof(q), querySize);
        TensorChecks.Float32(k, nameof(k), keySize);
        TensorChecks.Float32(v, nameof(v), keySize);
        TensorChecks.Float32(o, nameof(o), querySize);
        if (querySize == 0)
        {
            return;
        }

        var arguments = new AttentionArguments((int)heads, attention.QueryLength, attention.KeyLength, attention.EffectiveKeyCapacity,
            attention.HeadDim, attention.Causal ? 1 : 0, attention.EffectiveQueryOffset, attention.EffectiveScale);
        device.LoadKernel("attention_forward", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AttentionArguments>(AttentionKernels.Forward))(
            new KernelConfig(Shape.GroupsFor(heads * attention.QueryLength), Shape.AttentionItems),
            F(q), F(k), F(v), F(o), arguments);
    }

    public void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        TensorChecks.NonNegative(batch, nameof(batch));
        TensorChecks.NonNegative(dim1, nameof(dim1));
        TensorChecks.NonNegative(dim2, nameof(dim2));
        TensorChecks.NonNegative(inner, nameof(inner));
        var total = (long)batch * dim1 * dim2 * inner;
        TensorChecks.Float32(x, nameof(x), total);
        TensorChecks.Float32(y, nameof(y), total);
        if (total > 0)
        {
            device.LoadKernel("swap_axes", static a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, long, int, int, int>(ElementKernels.SwapAxes))(
                Elements(total), F(x), F(y), total, dim1, dim2, inner);
        }
    }

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

    public void Fill(IDeviceBuffer buffer, float value, long offset, long count)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        TensorChecks.Range(buffer, nameof(buffer), offset, count);
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

    public void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var direction = (source.Type, destination.Type) switch
        {
            (DataType.Float32, DataType.Float16 or DataType.BFloat16) => 1,
            (DataType.Float16 or DataType.BFloat16, DataType.Float32) => -1,
            (DataType.Float32, DataType.Float32) => 0,
            _ => throw new NotSupportedException(
                $"cannot convert {source.Type.ShortName()} to {destination.Type.ShortName()}; convert between fp32 and fp16 or bf16"),
        };
        TensorChecks.Range(source, nameof(source), 0, count);
        TensorChecks.Range(destination, nameof(destination), 0, count);
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
