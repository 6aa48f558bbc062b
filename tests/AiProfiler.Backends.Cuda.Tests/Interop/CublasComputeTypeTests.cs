using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CublasComputeTypeTests
{
    [Fact]
    public void Members_MatchCublasHeader() =>
        // cublas_api.h of cuBLAS 12.6, cublasComputeType_t.
        HeaderEnum.AssertMatches<CublasComputeType>(
            ("Compute32F", "CUBLAS_COMPUTE_32F", 68),
            ("Compute32FFastTf32", "CUBLAS_COMPUTE_32F_FAST_TF32", 77));
}
