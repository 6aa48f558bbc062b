using Microsoft.Win32.SafeHandles;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>Owns one reference to a <c>cl_mem</c>; released with <c>clReleaseMemObject</c>.</summary>
internal sealed class ClMemHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller for returned handles.</summary>
    public ClMemHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a handle an out-parameter returned.</summary>
    public ClMemHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle() => OpenClNative.clReleaseMemObject(handle) == ClConstants.Success;
}
