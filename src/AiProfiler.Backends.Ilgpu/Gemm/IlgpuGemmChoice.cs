namespace AiProfiler.Backends.Ilgpu.Gemm;

/// <summary>Which GEMM an ILGPU device uses (<c>AIPROFILER_ILGPU_GEMM</c>).</summary>
public enum IlgpuGemmChoice
{
    /// <summary>cuBLAS on <c>ilgpu-cuda</c> when it loads, the ILGPU tiled kernel elsewhere.</summary>
    Auto,

    /// <summary>The ILGPU tiled kernel everywhere.</summary>
    Tiled,

    /// <summary>cuBLAS through ILGPU.Algorithms; <c>ilgpu-cuda</c> only.</summary>
    CuBlas,
}
