using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Gemm;

/// <summary>
/// Maps AiProfiler's row-major GEMM onto cuBLAS, which is column-major. A row-major r×c matrix with row stride ld
/// occupies exactly the memory of its transpose, a column-major c×r matrix with leading dimension ld. So the
/// row-major product C = op(A)·op(B) (M×N) is, in cuBLAS's eyes, Cᵀ = op(B)ᵀ·op(A)ᵀ (N×M): pass B as cuBLAS's first
/// operand and A as its second, swap M and N, keep each operand's transpose flag and its leading dimension, and
/// swap the batch strides and offsets along with the operands. No data is moved or transposed. Leading dimensions
/// are at least 1, as cuBLAS requires even of an empty operand (K = 0 leaves C = Beta·C).
/// </summary>
internal static class ColumnMajorGemm
{
    internal static CublasGemmCall FromRowMajor(in GemmDescriptor gemm) => new(
        TransA: gemm.TransposeB ? CublasOperation.Transpose : CublasOperation.None,
        TransB: gemm.TransposeA ? CublasOperation.Transpose : CublasOperation.None,
        M: gemm.N,
        N: gemm.M,
        K: gemm.K,
        Lda: Math.Max(1, gemm.EffectiveLdB),
        Ldb: Math.Max(1, gemm.EffectiveLdA),
        Ldc: Math.Max(1, gemm.EffectiveLdC),
        StrideA: gemm.StrideB,
        StrideB: gemm.StrideA,
        StrideC: gemm.StrideC,
        OffsetA: gemm.OffsetB,
        OffsetB: gemm.OffsetA,
        OffsetC: gemm.OffsetC,
        BatchCount: gemm.BatchCount);
}
