using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// cuBLAS (libcublas.so.12 / cublas64_12.dll) as this backend uses it. Signatures follow cublas_api.h of cuBLAS 12.6
/// (read from zspace/system.cuda-12.6 include/cublas_api.h); the <c>_v2</c> symbols are the ones cublas_v2.h maps the
/// plain names to. <c>cublasHandle_t</c> and <c>cudaStream_t</c> are pointers; <c>long long int</c> strides are 64-bit.
/// Matrix pointers are device addresses; alpha and beta are host pointers (the default pointer mode).
/// cuBLAS is column-major: see <see cref="Gemm.ColumnMajorGemm"/> for how row-major products are mapped onto it.
/// </summary>
internal static unsafe partial class CublasApi
{
    private const string Lib = CudaNativeLibraries.Cublas;

    internal static IReadOnlyList<string> EntryPoints { get; } = LibraryImports.EntryPointsOf(typeof(CublasApi));

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasCreate_v2(out nint handle);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasDestroy_v2(nint handle);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSetStream_v2(nint handle, nint streamId);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSetMathMode(nint handle, CublasMath mode);

    [LibraryImport(Lib)]
    internal static partial nint cublasGetStatusName(CublasStatus status);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSgemm_v2(
        nint handle,
        CublasOperation transa,
        CublasOperation transb,
        int m,
        int n,
        int k,
        float* alpha,
        float* a,
        int lda,
        float* b,
        int ldb,
        float* beta,
        float* c,
        int ldc);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSgemmStridedBatched(
        nint handle,
        CublasOperation transa,
        CublasOperation transb,
        int m,
        int n,
        int k,
        float* alpha,
        float* a,
        int lda,
        long strideA,
        float* b,
        int ldb,
        long strideB,
        float* beta,
        float* c,
        int ldc,
        long strideC,
        int batchCount);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasGemmEx(
        nint handle,
        CublasOperation transa,
        CublasOperation transb,
        int m,
        int n,
        int k,
        void* alpha,
        void* a,
        CudaDataType aType,
        int lda,
        void* b,
        CudaDataType bType,
        int ldb,
        void* beta,
        void* c,
        CudaDataType cType,
        int ldc,
        CublasComputeType computeType,
        CublasGemmAlgo algo);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasGemmStridedBatchedEx(
        nint handle,
        CublasOperation transa,
        CublasOperation transb,
        int m,
        int n,
        int k,
        void* alpha,
        void* a,
        CudaDataType aType,
        int lda,
        long strideA,
        void* b,
        CudaDataType bType,
        int ldb,
        long strideB,
        void* beta,
        void* c,
        CudaDataType cType,
        int ldc,
        long strideC,
        int batchCount,
        CublasComputeType computeType,
        CublasGemmAlgo algo);
}
