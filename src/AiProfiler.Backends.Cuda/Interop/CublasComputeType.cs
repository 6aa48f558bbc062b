namespace AiProfiler.Backends.Cuda.Interop;

/// <summary><c>cublasComputeType_t</c> (cublas_api.h of cuBLAS 12.6, read from zspace/system.cuda-12.6 include/cublas_api.h).</summary>
internal enum CublasComputeType
{
    /// <summary>CUBLAS_COMPUTE_32F: fp32 accumulation (the scale type is fp32).</summary>
    Compute32F = 68,

    /// <summary>CUBLAS_COMPUTE_32F_FAST_TF32: fp32 accumulation, inputs may be rounded to TF32 for tensor cores.</summary>
    Compute32FFastTf32 = 77,
}
