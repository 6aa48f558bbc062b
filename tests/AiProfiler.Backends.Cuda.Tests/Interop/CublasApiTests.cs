using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CublasApiTests
{
    /// <summary>Prototypes from cublas_api.h of cuBLAS 12.6 (zspace/system.cuda-12.6 include/cublas_api.h).</summary>
    private static readonly string[] HeaderPrototypes =
    [
        "cublasStatus_t cublasCreate_v2(cublasHandle_t* handle)",
        "cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)",
        "cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)",
        "cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)",
        "const char* cublasGetStatusName(cublasStatus_t status)",
        "cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc)",
        "cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A, int lda, long long int strideA, const float* B, int ldb, long long int strideB, const float* beta, float* C, int ldc, long long int strideC, int batchCount)",
        "cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void* alpha, const void* A, cudaDataType Atype, int lda, const void* B, cudaDataType Btype, int ldb, const void* beta, void* C, cudaDataType Ctype, int ldc, cublasComputeType_t computeType, cublasGemmAlgo_t algo)",
        "cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void* alpha, const void* A, cudaDataType Atype, int lda, long long int strideA, const void* B, cudaDataType Btype, int ldb, long long int strideB, const void* beta, void* C, cudaDataType Ctype, int ldc, long long int strideC, int batchCount, cublasComputeType_t computeType, cublasGemmAlgo_t algo)",
    ];

    [Fact]
    public void Bindings_MatchCublasHeaderPrototypes() =>
        NativeSignatures.AssertMatch(typeof(CublasApi), HeaderPrototypes);
}
