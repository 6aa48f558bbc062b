namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// The driver API's result codes (<c>CUresult</c>, <c>enum cudaError_enum</c> in cuda.h of CUDA 12.6, read from
/// zspace/system.cuda-12.6 include/cuda.h). Only the codes this backend tests for are named here;
/// <see cref="CudaErrorText"/> knows every code of that header.
/// </summary>
internal enum CuResult
{
    Success = 0,
    ErrorOutOfMemory = 2,
    ErrorNoDevice = 100,
    ErrorNotFound = 500,
}
