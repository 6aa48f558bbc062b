using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// A retained reference to a device's primary context (the context cuBLAS and the CUDA runtime also use). Objects
/// created in the context hold a reference to this handle, so the context is released only after all of them.
/// </summary>
internal sealed class CudaPrimaryContextHandle : SafeHandle
{
    private CudaPrimaryContextHandle(int device, nint context)
        : base(0, ownsHandle: true)
    {
        Device = device;
        SetHandle(context);
    }

    /// <summary>The device ordinal (CUdevice) whose primary context this is.</summary>
    internal int Device { get; }

    public override bool IsInvalid => handle == 0;

    internal static CudaPrimaryContextHandle Retain(int device)
    {
        CudaCheck.Driver(CudaDriverApi.cuDevicePrimaryCtxRetain(out var context, device), nameof(CudaDriverApi.cuDevicePrimaryCtxRetain));
        return new CudaPrimaryContextHandle(device, context);
    }

    /// <summary>Binds the context to the calling thread (driver calls act on the thread's current context).</summary>
    internal void MakeCurrent() =>
        CudaCheck.Driver(CudaDriverApi.cuCtxSetCurrent(handle), nameof(CudaDriverApi.cuCtxSetCurrent));

    protected override bool ReleaseHandle() =>
        CudaDriverApi.cuDevicePrimaryCtxRelease_v2(Device) == CuResult.Success;
}
