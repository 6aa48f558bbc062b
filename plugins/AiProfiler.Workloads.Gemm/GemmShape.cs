using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Workloads.Gemm;

/// <summary>The validated sizes of one GEMM configuration.</summary>
internal sealed record GemmShape(int M, int N, int K, int Batch, bool TransposeA, bool TransposeB, float Alpha, float Beta, DataType Type)
{
    public long ElementsA => (long)M * K;

    public long ElementsB => (long)K * N;

    public long ElementsC => (long)M * N;

    /// <summary>Bytes of one element of A, B and C.</summary>
    public int ElementBytes => Type.SizeInBytes();

    /// <summary>
    /// Elements of the fp32 staging buffer through which fp16 and bf16 data is converted on the device (0 for fp32):
    /// the largest of A, B and C over the batch.
    /// </summary>
    public long StagingElements => Type == DataType.Float32 ? 0 : Math.Max(ElementsA, Math.Max(ElementsB, ElementsC)) * Batch;

    /// <summary>
    /// Host bytes beside the device buffers: the fp32 copies of A, B (and the original C when beta is not 0) kept for
    /// the reference, and the fp32 read-back of C in verification.
    /// </summary>
    public long HostBytes => (ElementsA + ElementsB + ElementsC + (Beta != 0 ? ElementsC : 0)) * Batch * sizeof(float);

    /// <summary>Device bytes: A, B and C at the element size, and the fp32 staging buffer.</summary>
    public long DeviceBytes => ((ElementsA + ElementsB + ElementsC) * ElementBytes * Batch) + (StagingElements * sizeof(float));

    public static GemmShape From(ParameterSet p) => new(
        p.GetInt32("m"), p.GetInt32("n"), p.GetInt32("k"), p.GetInt32("batch"),
        p.GetBoolean("trans_a"), p.GetBoolean("trans_b"),
        (float)p.GetDouble("alpha"), (float)p.GetDouble("beta"),
        DataTypeExtensions.ParseShortName(p.GetString("precision")));

    public GemmDescriptor Descriptor => new()
    {
        M = M,
        N = N,
        K = K,
        TransposeA = TransposeA,
        TransposeB = TransposeB,
        Alpha = Alpha,
        Beta = Beta,
        BatchCount = Batch,
        StrideA = ElementsA,
        StrideB = ElementsB,
        StrideC = ElementsC,
        Type = Type,
    };

    public override string ToString() =>
        $"M={M} N={N} K={K}{(Batch > 1 ? $" x{Batch}" : "")}{(TransposeA ? " Aᵀ" : "")}{(TransposeB ? " Bᵀ" : "")} {Type.ShortName()}";
}
