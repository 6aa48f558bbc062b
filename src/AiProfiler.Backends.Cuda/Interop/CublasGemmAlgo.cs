namespace AiProfiler.Backends.Cuda.Interop;

/// <summary><c>cublasGemmAlgo_t</c> (cublas_api.h of cuBLAS 12.6, read from zspace/system.cuda-12.6 include/cublas_api.h).</summary>
internal enum CublasGemmAlgo
{
    /// <summary>CUBLAS_GEMM_DEFAULT: let cuBLAS pick (tensor cores included where the compute type allows).</summary>
    Default = -1,
}
