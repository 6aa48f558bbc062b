using Microsoft.Win32.SafeHandles;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>Owns one reference to a <c>cl_event</c>; released with <c>clReleaseEvent</c>.</summary>
internal sealed class ClEventHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller for returned handles.</summary>
    public ClEventHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a handle an out-parameter returned.</summary>
    public ClEventHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle() => OpenClNative.clReleaseEvent(handle) == ClConstants.Success;
}
