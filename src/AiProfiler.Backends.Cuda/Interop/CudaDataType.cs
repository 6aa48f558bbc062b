namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// The element types passed to cublasGemmEx (<c>cudaDataType_t</c> in library_types.h, read from the CUDA 12 copy
/// vendored at csian98/sian include/cuda/library_types.h).
/// </summary>
internal enum CudaDataType
{
    /// <summary>CUDA_R_32F.</summary>
    R32F = 0,

    /// <summary>CUDA_R_16F.</summary>
    R16F = 2,

    /// <summary>CUDA_R_16BF.</summary>
    R16BF = 14,
}
