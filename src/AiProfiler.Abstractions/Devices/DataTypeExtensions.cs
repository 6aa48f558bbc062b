namespace AiProfiler.Abstractions.Devices;

/// <summary>Helpers for <see cref="DataType"/>.</summary>
public static class DataTypeExtensions
{
    /// <summary>
    /// The size of one buffer element in bytes: 4 or 2 for numbers, 1 for the block-quantized types (whose buffers
    /// count bytes).
    /// </summary>
    public static int SizeInBytes(this DataType type) => type switch
    {
        DataType.Float16 or DataType.BFloat16 => 2,
        DataType.Q8_0 or DataType.Q4_0 or DataType.Q4_K or DataType.Q6_K => 1,
        _ => 4,
    };

    /// <summary>Whether <paramref name="type"/> is one of ggml's block formats.</summary>
    public static bool IsBlockQuantized(this DataType type) => type is DataType.Q8_0 or DataType.Q4_0 or DataType.Q4_K or DataType.Q6_K;

    /// <summary>Values per block: 32 (Q8_0, Q4_0), 256 (Q4_K, Q6_K), 1 for the other types.</summary>
    public static int BlockValues(this DataType type) => type switch
    {
        DataType.Q8_0 or DataType.Q4_0 => 32,
        DataType.Q4_K or DataType.Q6_K => 256,
        _ => 1,
    };

    /// <summary>Bytes per block: 34 (Q8_0), 18 (Q4_0), 144 (Q4_K), 210 (Q6_K); the element size for the other types.</summary>
    public static int BlockBytes(this DataType type) => type switch
    {
        DataType.Q8_0 => 34,
        DataType.Q4_0 => 18,
        DataType.Q4_K => 144,
        DataType.Q6_K => 210,
        _ => type.SizeInBytes(),
    };

    /// <summary>
    /// The buffer length (<see cref="IDeviceBuffer.Length"/>) that holds <paramref name="values"/> values of
    /// <paramref name="type"/>: the values themselves, or the bytes of their blocks. Throws when
    /// <paramref name="values"/> is not a whole number of blocks.
    /// </summary>
    public static long StorageLength(this DataType type, long values)
    {
        var block = type.BlockValues();
        if (values % block != 0)
        {
            throw new ArgumentException($"{values} values are not a whole number of {type.ShortName()} blocks of {block}", nameof(values));
        }

        return values / block * type.BlockBytes() / type.SizeInBytes();
    }

    /// <summary>Bytes that <paramref name="values"/> values of <paramref name="type"/> occupy.</summary>
    public static long StorageBytes(this DataType type, long values) => type.StorageLength(values) * type.SizeInBytes();

    /// <summary>The short name used in parameters and labels: fp32, fp16, bf16, i32, q8_0, q4_0, q4_k, q6_k.</summary>
    public static string ShortName(this DataType type) => type switch
    {
        DataType.Float32 => "fp32",
        DataType.Float16 => "fp16",
        DataType.BFloat16 => "bf16",
        DataType.Q8_0 => "q8_0",
        DataType.Q4_0 => "q4_0",
        DataType.Q4_K => "q4_k",
        DataType.Q6_K => "q6_k",
        _ => "i32",
    };

    /// <summary>Parses a <see cref="ShortName"/>.</summary>
    public static DataType ParseShortName(string name) => name switch
    {
        "fp32" => DataType.Float32,
        "fp16" => DataType.Float16,
        "bf16" => DataType.BFloat16,
        "i32" => DataType.Int32,
        "q8_0" => DataType.Q8_0,
        "q4_0" => DataType.Q4_0,
        "q4_k" => DataType.Q4_K,
        "q6_k" => DataType.Q6_K,
        _ => throw new ArgumentException($"unknown data type '{name}'; use fp32, fp16, bf16, i32, q8_0, q4_0, q4_k or q6_k", nameof(name)),
    };
}
