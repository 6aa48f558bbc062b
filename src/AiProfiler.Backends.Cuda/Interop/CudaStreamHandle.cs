namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>A stream from cuStreamCreate, destroyed with cuStreamDestroy_v2.</summary>
internal sealed class CudaStreamHandle(CudaPrimaryContextHandle context, nint stream)
    : CudaContextBoundHandle(context, stream)
{
    protected override bool Free(nint value) => CudaDriverApi.cuStreamDestroy_v2(value) == CuResult.Success;
}
