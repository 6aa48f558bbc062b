using static AiProfiler.Abstractions.Devices.DeviceArgumentChecks;

namespace AiProfiler.Abstractions.Devices;

// The operations that move data rather than compute on it: embedding gather and scatter, axis swaps, copies, fills
// and type conversions, each checked here before the backend's core method runs.
public abstract partial class TensorOpsBase
{
    /// <inheritdoc />
    public void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        Shape(count, dim);
        WeightRow(nameof(EmbeddingGather), table, nameof(table), dim);
        Int32(ids, nameof(ids), count);
        Float32(y, nameof(y), (long)count * dim);
        EmbeddingGatherCore(table, ids, y, count, dim);
    }

    /// <inheritdoc />
    public void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        Shape(count, dim);
        Int32(ids, nameof(ids), count);
        Float32(dy, nameof(dy), (long)count * dim);
        Float32(dtable, nameof(dtable), 0);
        EmbeddingBackwardCore(ids, dy, dtable, count, dim);
    }

    /// <inheritdoc />
    public void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        NonNegative(batch, nameof(batch));
        NonNegative(dim1, nameof(dim1));
        NonNegative(dim2, nameof(dim2));
        NonNegative(inner, nameof(inner));
        var total = (long)batch * dim1 * dim2 * inner;
        Float32(x, nameof(x), total);
        Float32(y, nameof(y), total);
        SwapAxesCore(x, y, batch, dim1, dim2, inner);
    }

    /// <inheritdoc />
    /// <remarks>Copies bits: types of the same element size (fp16 and bf16, fp32 and int32) may be mixed.</remarks>
    public void Copy(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count)
    {
        Own(source, nameof(source));
        Own(destination, nameof(destination));
        if (source.Type.SizeInBytes() != destination.Type.SizeInBytes())
        {
            throw new ArgumentException(
                $"cannot copy {source.Type.ShortName()} into {destination.Type.ShortName()}; use Convert to change the type", nameof(destination));
        }

        Range(source, nameof(source), sourceOffset, count);
        Range(destination, nameof(destination), destinationOffset, count);
        CopyCore(source, sourceOffset, destination, destinationOffset, count);
    }

    /// <inheritdoc />
    public void Fill(IDeviceBuffer buffer, float value, long offset, long count)
    {
        Own(buffer, nameof(buffer));
        Range(buffer, nameof(buffer), offset, count);
        FillCore(buffer, value, offset, count);
    }

    /// <inheritdoc />
    public void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        Own(source, nameof(source));
        Own(destination, nameof(destination));
        if ((source.Type, destination.Type) is not ((DataType.Float32, DataType.Float32 or DataType.Float16 or DataType.BFloat16)
            or (DataType.Float16 or DataType.BFloat16, DataType.Float32)))
        {
            throw new NotSupportedException(
                $"cannot convert {source.Type.ShortName()} to {destination.Type.ShortName()}; convert between fp32 and fp16 or bf16");
        }

        Range(source, nameof(source), 0, count);
        Range(destination, nameof(destination), 0, count);
        ConvertCore(source, destination, count);
    }
}
