using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>Puts a <see cref="WeightTensor"/> on a device: as stored (matrices) or widened to fp32 (norms and biases).</summary>
internal static class WeightUpload
{
    /// <summary>A new buffer of the tensor's type holding its bytes as they are.</summary>
    public static IDeviceBuffer Stored(IDevice device, WeightTensor tensor, Func<long, DataType, IDeviceBuffer> allocate)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(allocate);
        var buffer = allocate(tensor.Bytes.Length / tensor.Type.SizeInBytes(), tensor.Type);
        var bytes = tensor.Bytes.Span;
        switch (tensor.Type.SizeInBytes())
        {
            case 4:
                device.Write(buffer, MemoryMarshal.Cast<byte, float>(bytes));
                break;
            case 2:
                device.Write(buffer, MemoryMarshal.Cast<byte, ushort>(bytes));
                break;
            default:
                device.Write(buffer, bytes);
                break;
        }

        return buffer;
    }

    /// <summary>The tensor's values decoded to fp32 on the host.</summary>
    public static float[] Widen(WeightTensor tensor, long elements)
    {
        var values = new float[elements];
        QuantizedBlocks.Dequantize(tensor.Type, tensor.Bytes.Span, values);
        return values;
    }

    /// <summary>A new fp32 buffer holding the tensor's values decoded.</summary>
    public static IDeviceBuffer Widened(IDevice device, WeightTensor tensor, long elements, Func<long, DataType, IDeviceBuffer> allocate)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(allocate);
        var buffer = allocate(elements, DataType.Float32);
        device.Write<float>(buffer, Widen(tensor, elements));
        return buffer;
    }
}
