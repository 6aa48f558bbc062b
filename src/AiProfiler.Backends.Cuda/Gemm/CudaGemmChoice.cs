namespace AiProfiler.Backends.Cuda.Gemm;

/// <summary>Which engine runs a CUDA device's GEMMs.</summary>
internal enum CudaGemmChoice
{
    /// <summary>cuBLAS in true fp32 (and fp16/bf16 with fp32 accumulation).</summary>
    Cublas,

    /// <summary>cuBLAS with TF32 tensor cores for fp32.</summary>
    CublasTf32,

    /// <summary>The portable tiled kernel, when cuBLAS is not installed.</summary>
    TiledKernel,
}
