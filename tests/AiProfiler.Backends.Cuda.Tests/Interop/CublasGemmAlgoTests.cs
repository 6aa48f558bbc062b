using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CublasGemmAlgoTests
{
    [Fact]
    public void Members_MatchCublasHeader() =>
        // cublas_api.h of cuBLAS 12.6, cublasGemmAlgo_t.
        HeaderEnum.AssertMatches<CublasGemmAlgo>(("Default", "CUBLAS_GEMM_DEFAULT", -1));
}
