namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Describes a (strided, batched) row-major GEMM: for each batch <c>i</c> in <c>[0, BatchCount)</c>,
/// <c>C_i = Alpha · op(A_i) · op(B_i) + Beta · C_i</c>, where op(A) is M×K, op(B) is K×N and C is M×N.
/// <c>X_i</c> starts at element <c>OffsetX + i·StrideX</c>. Leading dimensions are row strides of the matrices as
/// stored (before the transpose): A is stored M×K (or K×M when <see cref="TransposeA"/>), so LdA ≥ K (or M).
/// A leading dimension of 0 means "tightly packed". All buffers hold <see cref="Type"/>; accumulation is in fp32.
/// </summary>
public readonly record struct GemmDescriptor
{
    /// <summary>Rows of op(A) and C.</summary>
    public required int M { get; init; }

    /// <summary>Columns of op(B) and C.</summary>
    public required int N { get; init; }

    /// <summary>Columns of op(A), rows of op(B).</summary>
    public required int K { get; init; }

    /// <summary>Use Aᵀ.</summary>
    public bool TransposeA { get; init; }

    /// <summary>Use Bᵀ.</summary>
    public bool TransposeB { get; init; }

    /// <summary>Scale of the product.</summary>
    public float Alpha { get; init; }

    /// <summary>Scale of the existing C (0 ignores C's contents, even NaN).</summary>
    public float Beta { get; init; }

    /// <summary>Row stride of A as stored; 0 for packed.</summary>
    public int LdA { get; init; }

    /// <summary>Row stride of B as stored; 0 for packed.</summary>
    public int LdB { get; init; }

    /// <summary>Row stride of C; 0 for packed (N).</summary>
    public int LdC { get; init; }

    /// <summary>Number of independent products.</summary>
    public int BatchCount { get; init; }

    /// <summary>Elements between consecutive A matrices.</summary>
    public long StrideA { get; init; }

    /// <summary>Elements between consecutive B matrices.</summary>
    public long StrideB { get; init; }

    /// <summary>Elements between consecutive C matrices.</summary>
    public long StrideC { get; init; }

    /// <summary>Element offset of the first A.</summary>
    public long OffsetA { get; init; }

    /// <summary>Element offset of the first B.</summary>
    public long OffsetB { get; init; }

    /// <summary>Element offset of the first C.</summary>
    public long OffsetC { get; init; }

    /// <summary>Element type of A, B and C.</summary>
    public DataType Type { get; init; }

    /// <summary>Creates a packed, single, non-transposed fp32 GEMM with Alpha 1 and Beta 0.</summary>
    public GemmDescriptor()
    {
        Alpha = 1f;
        BatchCount = 1;
        Type = DataType.Float32;
    }

    /// <summary>Row stride of A as stored, resolving 0 to packed.</summary>
    public int EffectiveLdA => LdA != 0 ? LdA : (TransposeA ? M : K);

    /// <summary>Row stride of B as stored, resolving 0 to packed.</summary>
    public int EffectiveLdB => LdB != 0 ? LdB : (TransposeB ? K : N);

    /// <summary>Row stride of C, resolving 0 to packed.</summary>
    public int EffectiveLdC => LdC != 0 ? LdC : N;

    /// <summary>FLOPs of the whole call: 2·M·N·K per batch.</summary>
    public double Flops => 2.0 * M * N * K * BatchCount;
}
