namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>Device memory from cuMemAlloc_v2, freed with cuMemFree_v2.</summary>
internal sealed class CudaMemoryHandle(CudaPrimaryContextHandle context, ulong devicePointer)
    : CudaContextBoundHandle(context, (nint)devicePointer)
{
    internal ulong DevicePointer => (ulong)DangerousGetHandle();

    protected override bool Free(nint value) => CudaDriverApi.cuMemFree_v2((ulong)value) == CuResult.Success;
}
