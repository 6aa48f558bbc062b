using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a UTF-8 JSON header mapping each tensor name to
/// <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> (relative to the end of the header), then the raw little-endian
/// data. Every number in the header is checked against the file before it is used. F32 is read as is; F16 and BF16
/// are widened to fp32 on load.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    // The reference implementation refuses larger headers too; real ones are a few MiB at most.
    private const long MaxHeaderBytes = 100L << 20;

    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, SafetensorsTensor> _tensors;

    private SafetensorsFile(string path, SafeFileHandle handle, Dictionary<string, SafetensorsTensor> tensors)
    {
        Path = path;
        _handle = handle;
        _tensors = tensors;
    }

    /// <summary>The file's path as given.</summary>
    public string Path { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors => _tensors;

    /// <summary>
    /// Opens <paramref name="path"/> and parses its header. Throws <see cref="FileNotFoundException"/> for a missing file
    /// and <see cref="InvalidDataException"/> naming the first problem for a malformed one.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"weights file '{path}' not found; give a local GPT-2 .safetensors file or leave 'weights' empty for seeded weights", path);
        }

        var handle = File.OpenHandle(path);
        try
        {
            return new SafetensorsFile(path, handle, ReadHeader(path, handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a tensor as fp32, converting F16 and BF16.</summary>
    public float[] ReadFloat32(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var values = new float[tensor.Elements];
        switch (tensor.DType)
        {
            case "F32":
                ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()), tensor.Start);
                if (!BitConverter.IsLittleEndian)
                {
                    var words = MemoryMarshal.Cast<float, int>(values.AsSpan());
                    BinaryPrimitives.ReverseEndianness(words, words);
                }

                break;
            case "F16":
            case "BF16":
                var halves = new ushort[tensor.Elements];
                ReadExactly(MemoryMarshal.AsBytes(halves.AsSpan()), tensor.Start);
                if (!BitConverter.IsLittleEndian)
                {
                    BinaryPrimitives.ReverseEndianness(halves, halves);
                }

                var bfloat = tensor.DType == "BF16";
                for (var i = 0; i < halves.Length; i++)
                {
                    // bf16 is the upper half of an fp32; fp16 widens exactly through Half.
                    values[i] = bfloat ? BitConverter.Int32BitsToSingle(halves[i] << 16) : (float)BitConverter.UInt16BitsToHalf(halves[i]);
                }

                break;
            default:
                throw new InvalidDataException($"tensor '{tensor.Name}' in '{Path}' has dtype {tensor.DType}; supported: F32, F16, BF16");
        }

        return values;
    }

    public void Dispose() => _handle.Dispose();

    private static Dictionary<string, SafetensorsTensor> ReadHeader(string path, SafeFileHandle handle)
    {
        var fileLength = RandomAccess.GetLength(handle);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || RandomAccess.Read(handle, lengthBytes, 0) != 8)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file: it is shorter than the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > (ulong)(fileLength - 8))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}' is not a safetensors file: its header length {headerLength} does not fit the file of {fileLength} bytes"));
        }

        var header = new byte[headerLength];
        var read = 0;
        while (read < header.Length)
        {
            var n = RandomAccess.Read(handle, header.AsSpan(read), 8 + read);
            if (n == 0)
            {
                throw new InvalidDataException($"'{path}' ends inside its safetensors header");
            }

            read += n;
        }

        var dataStart = 8 + (long)headerLength;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' has an invalid safetensors header: {FirstLine(e.Message)}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"'{path}' has an invalid safetensors header: the header is not a JSON object");
            }

            var tensors = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }

                var tensor = ParseEntry(path, entry, dataStart);
                if (tensor.End > fileLength)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"tensor '{tensor.Name}' in '{path}' ends at byte {tensor.End}, past the end of the file ({fileLength} bytes); the file is truncated"));
                }

                tensors[tensor.Name] = tensor;
            }

            return tensors;
        }
    }

    private static SafetensorsTensor ParseEntry(string path, JsonProperty entry, long dataStart)
    {
        var name = entry.Name;
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"tensor '{name}' in '{path}' lacks a string dtype, a shape array or two data_offsets");
        }

        var dims = new long[shape.GetArrayLength()];
        var i = 0;
        foreach (var dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out dims[i]) || dims[i] < 0 || dims[i] > int.MaxValue)
            {
                throw new InvalidDataException($"tensor '{name}' in '{path}' has an invalid shape dimension {dim.GetRawText()}");
            }

            i++;
        }

        var bounds = offsets.EnumerateArray().ToArray();
        if (!bounds[0].TryGetInt64(out var begin) || !bounds[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            throw new InvalidDataException($"tensor '{name}' in '{path}' has invalid data_offsets {offsets.GetRawText()}");
        }

        var tensor = new SafetensorsTensor(name, dtype.GetString()!, dims, dataStart + begin, dataStart + end);
        var elementBytes = tensor.DType switch
        {
            "F64" or "I64" or "U64" => 8,
            "F32" or "I32" or "U32" => 4,
            "F16" or "BF16" or "I16" or "U16" => 2,
            _ => 1,
        };
        if (dims.Aggregate(1.0, (product, dim) => product * dim) * elementBytes > long.MaxValue / 2
            || tensor.Elements * elementBytes != end - begin)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' in '{path}' has data_offsets {offsets.GetRawText()} ({end - begin} bytes), which does not match shape {TensorSpec.FormatShape(dims)} of {tensor.DType}"));
        }

        return tensor;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private void ReadExactly(Span<byte> destination, long offset)
    {
        // RandomAccess.Read takes at most int.MaxValue bytes per call and may return fewer.
        while (!destination.IsEmpty)
        {
            var n = RandomAccess.Read(_handle, destination, offset);
            if (n == 0)
            {
                throw new InvalidDataException($"'{Path}' ends inside tensor data; the file is truncated");
            }

            destination = destination[n..];
            offset += n;
        }
    }
}
