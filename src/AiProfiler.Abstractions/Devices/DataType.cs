namespace AiProfiler.Abstractions.Devices;

/// <summary>The element type of a device buffer.</summary>
public enum DataType
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32,

    /// <summary>IEEE 754 binary16.</summary>
    Float16,

    /// <summary>bfloat16: the upper 16 bits of a binary32.</summary>
    BFloat16,

    /// <summary>Signed 32-bit integer (token ids, targets).</summary>
    Int32,
}

/// <summary>Helpers for <see cref="DataType"/>.</summary>
public static class DataTypeExtensions
{
    /// <summary>The size of one element in bytes.</summary>
    public static int SizeInBytes(this DataType type) => type switch
    {
        DataType.Float16 or DataType.BFloat16 => 2,
        _ => 4,
    };

    /// <summary>The short name used in parameters and labels: fp32, fp16, bf16, i32.</summary>
    public static string ShortName(this DataType type) => type switch
    {
        DataType.Float32 => "fp32",
        DataType.Float16 => "fp16",
        DataType.BFloat16 => "bf16",
        _ => "i32",
    };

    /// <summary>Parses fp32, fp16, bf16 or i32.</summary>
    public static DataType ParseShortName(string name) => name switch
    {
        "fp32" => DataType.Float32,
        "fp16" => DataType.Float16,
        "bf16" => DataType.BFloat16,
        "i32" => DataType.Int32,
        _ => throw new ArgumentException($"unknown data type '{name}'; use fp32, fp16, bf16 or i32", nameof(name)),
    };
}
