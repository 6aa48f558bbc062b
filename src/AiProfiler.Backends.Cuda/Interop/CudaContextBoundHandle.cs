using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// A native object that lives in a primary context. It keeps the context alive until it is released, and makes the
/// context current before releasing itself, because the finalizer thread has no current context.
/// </summary>
internal abstract class CudaContextBoundHandle : SafeHandle
{
    private readonly CudaPrimaryContextHandle _context;

    protected CudaContextBoundHandle(CudaPrimaryContextHandle context, nint value)
        : base(0, ownsHandle: true)
    {
        var added = false;
        context.DangerousAddRef(ref added);
        _context = context;
        SetHandle(value);
    }

    public override bool IsInvalid => handle == 0;

    protected abstract bool Free(nint value);

    protected override bool ReleaseHandle()
    {
        try
        {
            return CudaDriverApi.cuCtxSetCurrent(_context.DangerousGetHandle()) == CuResult.Success && Free(handle);
        }
        finally
        {
            _context.DangerousRelease();
        }
    }
}
