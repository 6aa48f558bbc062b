namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>An event from cuEventCreate, destroyed with cuEventDestroy_v2.</summary>
internal sealed class CudaEventHandle(CudaPrimaryContextHandle context, nint cudaEvent)
    : CudaContextBoundHandle(context, cudaEvent)
{
    protected override bool Free(nint value) => CudaDriverApi.cuEventDestroy_v2(value) == CuResult.Success;
}
