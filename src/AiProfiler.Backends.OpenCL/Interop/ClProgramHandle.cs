using Microsoft.Win32.SafeHandles;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>Owns one reference to a <c>cl_program</c>; released with <c>clReleaseProgram</c>.</summary>
internal sealed class ClProgramHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller for returned handles.</summary>
    public ClProgramHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a handle an out-parameter returned.</summary>
    public ClProgramHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle() => OpenClNative.clReleaseProgram(handle) == ClConstants.Success;
}
