namespace AiProfiler.Backends.Cuda.Interop;

/// <summary><c>cublasMath_t</c> (cublas_api.h of cuBLAS 12.6, read from zspace/system.cuda-12.6 include/cublas_api.h).</summary>
internal enum CublasMath
{
    /// <summary>CUBLAS_DEFAULT_MATH.</summary>
    Default = 0,
}
