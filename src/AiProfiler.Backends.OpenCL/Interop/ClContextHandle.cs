using Microsoft.Win32.SafeHandles;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>Owns one reference to a <c>cl_context</c>; released with <c>clReleaseContext</c>.</summary>
internal sealed class ClContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller for returned handles.</summary>
    public ClContextHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a handle an out-parameter returned.</summary>
    public ClContextHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle() => OpenClNative.clReleaseContext(handle) == ClConstants.Success;
}
