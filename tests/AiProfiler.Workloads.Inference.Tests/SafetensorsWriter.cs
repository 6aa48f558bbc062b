using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>Writes safetensors files for tests: header length, JSON header, then the tensors' bytes back to back.</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> tensors)
    {
        var json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var offset = 0L;
        var list = tensors.ToList();
        foreach (var (name, dtype, shape, data) in list)
        {
            json.Append(CultureInfo.InvariantCulture, $",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }

        json.Append('}');
        WriteRaw(path, json.ToString(), list.SelectMany(t => t.Data).ToArray());
    }

    public static void WriteRaw(string path, string header, byte[] data)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        stream.Write(data);
    }

    public static byte[] Float32(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Halves(ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }

        return bytes;
    }

    /// <summary>The model's tensors from <paramref name="source"/>, as F32, optionally under a name prefix.</summary>
    public static void WriteModel(string path, ModelConfig config, IWeightSource source, string prefix = "") =>
        Write(path, GptTensors.For(config).Select(spec => (prefix + spec.Name, "F32", spec.Shape.Select(d => (long)d).ToArray(), Float32(source.Load(spec)))));
}
