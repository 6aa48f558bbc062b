namespace AiProfiler.Backends.Cuda.Interop;

/// <summary><c>cublasOperation_t</c> (cublas_api.h of cuBLAS 12.6, read from zspace/system.cuda-12.6 include/cublas_api.h).</summary>
internal enum CublasOperation
{
    /// <summary>CUBLAS_OP_N: use the matrix as stored.</summary>
    None = 0,

    /// <summary>CUBLAS_OP_T: use its transpose.</summary>
    Transpose = 1,
}
