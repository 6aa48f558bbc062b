using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CublasStatusTests
{
    [Fact]
    public void Members_MatchCublasHeader() =>
        // cublas_api.h of cuBLAS 12.6, cublasStatus_t.
        HeaderEnum.AssertMatches<CublasStatus>(
            ("Success", "CUBLAS_STATUS_SUCCESS", 0),
            ("NotInitialized", "CUBLAS_STATUS_NOT_INITIALIZED", 1),
            ("AllocFailed", "CUBLAS_STATUS_ALLOC_FAILED", 3),
            ("InvalidValue", "CUBLAS_STATUS_INVALID_VALUE", 7),
            ("ArchMismatch", "CUBLAS_STATUS_ARCH_MISMATCH", 8),
            ("MappingError", "CUBLAS_STATUS_MAPPING_ERROR", 11),
            ("ExecutionFailed", "CUBLAS_STATUS_EXECUTION_FAILED", 13),
            ("InternalError", "CUBLAS_STATUS_INTERNAL_ERROR", 14),
            ("NotSupported", "CUBLAS_STATUS_NOT_SUPPORTED", 15),
            ("LicenseError", "CUBLAS_STATUS_LICENSE_ERROR", 16));
}
