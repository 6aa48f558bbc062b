using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CublasMathTests
{
    [Fact]
    public void Members_MatchCublasHeader() =>
        // cublas_api.h of cuBLAS 12.6, cublasMath_t.
        HeaderEnum.AssertMatches<CublasMath>(("Default", "CUBLAS_DEFAULT_MATH", 0));
}
