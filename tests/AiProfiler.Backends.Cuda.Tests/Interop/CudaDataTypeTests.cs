using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CudaDataTypeTests
{
    [Fact]
    public void Members_MatchLibraryTypesHeader() =>
        // library_types.h of CUDA 12 (csian98/sian include/cuda/library_types.h), cudaDataType_t.
        HeaderEnum.AssertMatches<CudaDataType>(
            ("R32F", "CUDA_R_32F", 0),
            ("R16F", "CUDA_R_16F", 2),
            ("R16BF", "CUDA_R_16BF", 14));
}
