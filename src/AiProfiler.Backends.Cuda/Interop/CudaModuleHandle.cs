namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>A module from cuModuleLoadData, unloaded with cuModuleUnload.</summary>
internal sealed class CudaModuleHandle(CudaPrimaryContextHandle context, nint module)
    : CudaContextBoundHandle(context, module)
{
    protected override bool Free(nint value) => CudaDriverApi.cuModuleUnload(value) == CuResult.Success;
}
