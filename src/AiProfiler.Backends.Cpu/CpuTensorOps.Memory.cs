using System.Numerics.Tensors;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

// Operations that move or convert data: embedding gather and scatter, axis swaps, copies, fills and type conversions.
internal sealed unsafe partial class CpuTensorOps
{
    protected override void EmbeddingGatherCore(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        // A quantized table is decoded row by row, so it is never expanded in memory.
        var type = table.Type;
        var tableRows = TableRows(table, dim);
        var rowBytes = type.StorageBytes(dim);
        // Read-only, so a table tied to the LM head keeps its fp16 scan (CpuBuffer.HoldsOnlyFiniteHalves).
        var pt = (byte*)Cpu(table).ReadPointer;
        var py = Ptr(y);
        var pid = IntPtr(ids);
        Rows(count, dim, i =>
        {
            var id = pid[i];
            if (id >= 0 && id < tableRows)
            {
                WeightDecoder.Decode(type, pt + (id * rowBytes), py + ((long)i * dim), dim);
            }
            else
            {
                Row(py, i, dim).Clear();
            }
        });
    }

    protected override void EmbeddingBackwardCore(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        var tableRows = TableRows(dtable, dim);
        float* pdy = Ptr(dy), pt = Ptr(dtable);
        var pid = IntPtr(ids);
        for (var i = 0; i < count; i++)
        {
            var id = pid[i];
            if (id >= 0 && id < tableRows)
            {
                TensorPrimitives.Add(Row(pt, id, dim), Row(pdy, i, dim), Row(pt, id, dim));
            }
        }
    }

    protected override void SwapAxesCore(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        float* px = Ptr(x), py = Ptr(y);
        Rows(batch * dim1, dim2 * inner, bi =>
        {
            var b = bi / dim1;
            var i = bi % dim1;
            for (var j = 0; j < dim2; j++)
            {
                var src = px + ((((long)b * dim1 + i) * dim2 + j) * inner);
                var dst = py + ((((long)b * dim2 + j) * dim1 + i) * inner);
                Buffer.MemoryCopy(src, dst, inner * sizeof(float), inner * sizeof(float));
            }
        });
    }

    protected override void CopyCore(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count)
    {
        var size = source.Type.SizeInBytes();
        var bytes = count * size;
        Buffer.MemoryCopy((byte*)Cpu(source).ReadPointer + (sourceOffset * size), (byte*)Cpu(destination).Pointer + (destinationOffset * size), bytes, bytes);
    }

    protected override void FillCore(IDeviceBuffer buffer, float value, long offset, long count)
    {
        var cpu = Cpu(buffer);
        switch (buffer.Type)
        {
            case DataType.Float32:
                Chunks(count, (from, n) => new Span<float>((float*)cpu.Pointer + offset + from, n).Fill(value));
                break;
            case DataType.Int32:
                Chunks(count, (from, n) => new Span<int>((int*)cpu.Pointer + offset + from, n).Fill((int)value));
                break;
            default:
                var bits = buffer.Type == DataType.Float16 ? HalfBits(value) : BFloat16Bits(value);
                Chunks(count, (from, n) => new Span<ushort>((ushort*)cpu.Pointer + offset + from, n).Fill(bits));
                break;
        }
    }

    protected override void ConvertCore(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        var src = (nint)Cpu(source).ReadPointer;
        var dst = (nint)Cpu(destination).Pointer;
        switch (source.Type, destination.Type)
        {
            case (DataType.Float32, DataType.Float32):
                CopyCore(source, 0, destination, 0, count);
                break;
            case (DataType.Float32, DataType.Float16 or DataType.BFloat16):
                var toHalf = destination.Type == DataType.Float16;
                Chunks(count, (from, n) =>
                {
                    for (var i = from; i < from + n; i++)
                    {
                        var f = ((float*)src)[i];
                        ((ushort*)dst)[i] = toHalf ? HalfBits(f) : BFloat16Bits(f);
                    }
                });
                break;
            default:
                var fromHalf = source.Type == DataType.Float16;
                Chunks(count, (from, n) =>
                {
                    for (var i = from; i < from + n; i++)
                    {
                        var bits = ((ushort*)src)[i];
                        ((float*)dst)[i] = fromHalf ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.Int32BitsToSingle(bits << 16);
                    }
                });
                break;
        }
    }

    /// <summary>fp32 to fp16 bits, rounding to nearest even (the runtime's conversion does).</summary>
    internal static ushort HalfBits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>fp32 to bf16 bits, rounding to nearest even; NaN stays a quiet NaN.</summary>
    internal static ushort BFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
