namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>cuBLAS status codes (<c>cublasStatus_t</c> in cublas_api.h of cuBLAS 12.6, read from zspace/system.cuda-12.6 include/cublas_api.h).</summary>
internal enum CublasStatus
{
    Success = 0,
    NotInitialized = 1,
    AllocFailed = 3,
    InvalidValue = 7,
    ArchMismatch = 8,
    MappingError = 11,
    ExecutionFailed = 13,
    InternalError = 14,
    NotSupported = 15,
    LicenseError = 16,
}
