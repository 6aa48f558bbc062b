using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CublasOperationTests
{
    [Fact]
    public void Members_MatchCublasHeader() =>
        // cublas_api.h of cuBLAS 12.6, cublasOperation_t.
        HeaderEnum.AssertMatches<CublasOperation>(
            ("None", "CUBLAS_OP_N", 0),
            ("Transpose", "CUBLAS_OP_T", 1));
}
