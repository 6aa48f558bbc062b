using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CuResultTests
{
    [Fact]
    public void Members_MatchCudaHeader() =>
        // cuda.h of CUDA 12.6, enum cudaError_enum.
        HeaderEnum.AssertMatches<CuResult>(
            ("Success", "CUDA_SUCCESS", 0),
            ("ErrorOutOfMemory", "CUDA_ERROR_OUT_OF_MEMORY", 2),
            ("ErrorNoDevice", "CUDA_ERROR_NO_DEVICE", 100),
            ("ErrorNotFound", "CUDA_ERROR_NOT_FOUND", 500));
}
