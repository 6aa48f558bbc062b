namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// The element type of a device buffer. The block-quantized weight types (<see cref="Q8_0"/>, <see cref="Q4_0"/>,
/// <see cref="Q4_K"/>, <see cref="Q6_K"/>) hold ggml's blocks byte for byte; their buffers count bytes, not values
/// (size them with <see cref="DataTypeExtensions.StorageLength"/>), and only <see cref="ITensorOps.LinearWeights"/>
/// and <see cref="ITensorOps.EmbeddingGather"/> read them. <see cref="QuantizedBlocks"/> writes and reads the blocks.
/// </summary>
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

    // The ggml names (Q8_0, Q4_K, ...) are what users read in model files and llama.cpp; CA1707 would rename them.
#pragma warning disable CA1707
    /// <summary>ggml Q8_0: blocks of 32 values, an fp16 scale d then 32 int8 q; value = d·q (34 bytes per block).</summary>
    Q8_0,

    /// <summary>
    /// ggml Q4_0: blocks of 32 values, an fp16 scale d then 16 bytes; byte j holds value j in its low nibble and value
    /// j+16 in its high nibble; value = d·(q − 8) (18 bytes per block).
    /// </summary>
    Q4_0,

    /// <summary>
    /// ggml Q4_K: super-blocks of 256 values, fp16 d and dmin, 12 bytes of eight 6-bit scales and eight 6-bit mins,
    /// 128 bytes of 4-bit q; sub-block j of 32 values is d·scale_j·q − dmin·min_j (144 bytes per super-block).
    /// </summary>
    Q4_K,

    /// <summary>
    /// ggml Q6_K: super-blocks of 256 values, 128 bytes of low 4 bits, 64 bytes of high 2 bits, sixteen int8 scales
    /// and an fp16 d; value = d·scale·(q − 32) (210 bytes per super-block).
    /// </summary>
    Q6_K,
#pragma warning restore CA1707
}
