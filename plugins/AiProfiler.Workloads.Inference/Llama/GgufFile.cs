using System.Buffers.Binary;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Text;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// A GGUF v3 file, memory-mapped: the header (magic <c>GGUF</c>, version, tensor and metadata counts), the metadata
/// key/value pairs, the tensor infos (name, dimensions innermost first, ggml type, offset), then the tensor data from
/// the next multiple of <c>general.alignment</c> (32 by default). Every count, length and offset is checked against the
/// file before use; problems are one <see cref="InvalidDataException"/> line naming the key or tensor.
/// </summary>
internal sealed unsafe class GgufFile : IDisposable
{
    private const uint Magic = 0x46554747;

    // Real files hold a few hundred keys and tensors per layer; these bounds only stop a corrupt count from allocating.
    private const ulong MaxEntries = 1 << 24;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private readonly Dictionary<string, object> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GgufTensor> _tensors = new(StringComparer.Ordinal);
    private long _position;

    private GgufFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    /// <summary>The file's path as given.</summary>
    public string Path { get; }

    /// <summary>The metadata: integers as long, floats as double, bool, string, or arrays of those.</summary>
    public IReadOnlyDictionary<string, object> Metadata => _metadata;

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, GgufTensor> Tensors => _tensors;

    /// <summary>Where the tensor data starts.</summary>
    public long DataStart { get; private set; }

    /// <summary>Maps and parses <paramref name="path"/>.</summary>
    public static GgufFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"weights file '{path}' not found; give a local .gguf file or leave 'weights' empty for seeded weights", path);
        }

        // The length of what the path leads to: a symbolic link's own FileInfo gives the link's size (Hugging Face's
        // cache lays its files out as links into a blob folder).
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
        }

        if (length < 24)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{path}' is not a GGUF file: {length} bytes is shorter than the 24-byte header"));
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            var file = new GgufFile(path, map, view, length);
            try
            {
                file.Parse();
                return file;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        catch when (view is null)
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>The tensor's bytes, where they lie in the mapping (no copy).</summary>
    public ReadOnlyMemory<byte> Data(GgufTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Bytes > int.MaxValue)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"tensor '{tensor.Name}' in '{Path}' has {tensor.Bytes} bytes, more than one buffer of 2 GiB holds"));
        }

        return new MappedMemory(_base + DataStart + tensor.Offset, (int)tensor.Bytes).Memory;
    }

    /// <summary>An integer metadata value, or <paramref name="fallback"/> when absent (null: required).</summary>
    public long Integer(string key, long? fallback = null) => _metadata.TryGetValue(key, out var value)
        ? value as long? ?? throw new InvalidDataException($"metadata key '{key}' in '{Path}' is {Describe(value)}, expected an integer")
        : fallback ?? throw new InvalidDataException($"'{Path}' lacks metadata key '{key}', which a model of its architecture needs");

    /// <summary>A float metadata value, or <paramref name="fallback"/> when absent (null: required).</summary>
    public double Float(string key, double? fallback = null) => _metadata.TryGetValue(key, out var value)
        ? value as double? ?? value as long? ?? throw new InvalidDataException($"metadata key '{key}' in '{Path}' is {Describe(value)}, expected a number")
        : fallback ?? throw new InvalidDataException($"'{Path}' lacks metadata key '{key}', which a model of its architecture needs");

    /// <summary>A string metadata value (required).</summary>
    public string Text(string key) => _metadata.TryGetValue(key, out var value)
        ? value as string ?? throw new InvalidDataException($"metadata key '{key}' in '{Path}' is {Describe(value)}, expected a string")
        : throw new InvalidDataException($"'{Path}' lacks metadata key '{key}', which every GGUF model has");

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    /// <summary>The ggml type numbers this reader accepts, as <see cref="DataType"/>.</summary>
    private static DataType? TypeOf(uint ggmlType) => ggmlType switch
    {
        0 => DataType.Float32,
        1 => DataType.Float16,
        2 => DataType.Q4_0,
        8 => DataType.Q8_0,
        12 => DataType.Q4_K,
        14 => DataType.Q6_K,
        30 => DataType.BFloat16,
        _ => null,
    };

    private static string Describe(object value) => value switch
    {
        string => "a string",
        bool => "a bool",
        object[] => "an array",
        double => "a float",
        _ => "an integer",
    };

    private void Parse()
    {
        if (ReadUInt32("magic") != Magic)
        {
            throw new InvalidDataException($"'{Path}' is not a GGUF file: it does not start with the magic 'GGUF'");
        }

        var version = ReadUInt32("version");
        if (version is not (2 or 3))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{Path}' is GGUF version {version}; supported: 2 and 3"));
        }

        var tensorCount = ReadUInt64("tensor count");
        var keyCount = ReadUInt64("metadata count");
        if (tensorCount > MaxEntries || keyCount > MaxEntries)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{Path}' claims {tensorCount} tensors and {keyCount} metadata keys; the header is corrupt"));
        }

        for (var i = 0UL; i < keyCount; i++)
        {
            var key = ReadString("metadata key");
            _metadata[key] = ReadValue(key, ReadUInt32(key));
        }

        var infos = new List<(string Name, long[] Shape, uint Type, ulong Offset)>();
        for (var i = 0UL; i < tensorCount; i++)
        {
            var name = ReadString("tensor name");
            var dims = ReadUInt32(name);
            if (dims is 0 or > 4)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' in '{Path}' has {dims} dimensions; expected 1 to 4"));
            }

            var shape = new long[dims];
            for (var d = 0; d < dims; d++)
            {
                var extent = ReadUInt64(name);
                if (extent > int.MaxValue)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' in '{Path}' has dimension {extent}; expected at most {int.MaxValue}"));
                }

                // GGUF lists the innermost (contiguous) dimension first; row-major order lists it last.
                shape[dims - 1 - d] = (long)extent;
            }

            infos.Add((name, shape, ReadUInt32(name), ReadUInt64(name)));
        }

        var alignment = _metadata.TryGetValue("general.alignment", out var a) && a is long align ? align : 32;
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"metadata key 'general.alignment' in '{Path}' is {alignment}; expected a power of two"));
        }

        DataStart = (_position + alignment - 1) / alignment * alignment;
        foreach (var (name, shape, ggmlType, offset) in infos)
        {
            var type = TypeOf(ggmlType) ?? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' in '{Path}' has ggml type {ggmlType}; supported: F32 (0), F16 (1), Q4_0 (2), Q8_0 (8), Q4_K (12), Q6_K (14), BF16 (30)"));
            if (shape[^1] % type.BlockValues() != 0)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"tensor '{name}' in '{Path}' has rows of {shape[^1]} values, not a whole number of {type.ShortName()} blocks of {type.BlockValues()}"));
            }

            var elements = shape.Aggregate(1L, (product, dim) => product * dim);
            var bytes = type.StorageBytes(elements);
            if (offset % (ulong)alignment != 0 || offset > (ulong)_length || DataStart + (long)offset + bytes > _length)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"tensor '{name}' in '{Path}' at data offset {offset} with {bytes} bytes does not fit the file of {_length} bytes (or is not aligned to {alignment}); the file is truncated or corrupt"));
            }

            _tensors[name] = new GgufTensor(name, shape, type, (long)offset, bytes);
        }
    }

    private object ReadValue(string key, uint type)
    {
        return type switch
        {
            0 => (long)Take(key, 1)[0],
            1 => (long)(sbyte)Take(key, 1)[0],
            2 => (long)BinaryPrimitives.ReadUInt16LittleEndian(Take(key, 2)),
            3 => (long)BinaryPrimitives.ReadInt16LittleEndian(Take(key, 2)),
            4 => (long)ReadUInt32(key),
            5 => (long)BinaryPrimitives.ReadInt32LittleEndian(Take(key, 4)),
            6 => (double)BinaryPrimitives.ReadSingleLittleEndian(Take(key, 4)),
            7 => Take(key, 1)[0] != 0,
            8 => ReadString(key),
            9 => ReadArray(key),
            10 => (long)ReadUInt64(key),
            11 => BinaryPrimitives.ReadInt64LittleEndian(Take(key, 8)),
            12 => BinaryPrimitives.ReadDoubleLittleEndian(Take(key, 8)),
            _ => throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"metadata key '{key}' in '{Path}' has value type {type}; expected 0 to 12")),
        };
    }

    private object[] ReadArray(string key)
    {
        var type = ReadUInt32(key);
        var count = ReadUInt64(key);
        if (count > (ulong)(_length - _position))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"metadata key '{key}' in '{Path}' claims {count} array items, more than the file holds; the file is truncated"));
        }

        var items = new object[count];
        for (var i = 0UL; i < count; i++)
        {
            items[i] = ReadValue(key, type);
        }

        return items;
    }

    private string ReadString(string what)
    {
        var length = ReadUInt64(what);
        if (length > (ulong)(_length - _position))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{Path}' ends inside {what} (a string of {length} bytes at byte {_position}); the file is truncated"));
        }

        return Encoding.UTF8.GetString(Take(what, (int)length));
    }

    private uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(what, 4));

    private ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(what, 8));

    private ReadOnlySpan<byte> Take(string what, int count)
    {
        if (_position + count > _length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{Path}' ends inside the header at byte {_position}, reading {what}; the file is truncated"));
        }

        var span = new ReadOnlySpan<byte>(_base + _position, count);
        _position += count;
        return span;
    }
}
