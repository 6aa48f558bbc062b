using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Gemm;

/// <summary>
/// The arguments of one column-major cuBLAS GEMM, <c>C' = op(A')·op(B')</c> with C' of M×N. Offsets are in
/// elements; A' and B' name cuBLAS's operands, which are not the caller's A and B (see <see cref="ColumnMajorGemm"/>).
/// </summary>
internal readonly record struct CublasGemmCall(
    CublasOperation TransA,
    CublasOperation TransB,
    int M,
    int N,
    int K,
    int Lda,
    int Ldb,
    int Ldc,
    long StrideA,
    long StrideB,
    long StrideC,
    long OffsetA,
    long OffsetB,
    long OffsetC,
    int BatchCount);
