using Microsoft.Win32.SafeHandles;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>Owns one reference to a <c>cl_kernel</c>; released with <c>clReleaseKernel</c>.</summary>
internal sealed class ClKernelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller for returned handles.</summary>
    public ClKernelHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a handle an out-parameter returned.</summary>
    public ClKernelHandle(nint handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle() => OpenClNative.clReleaseKernel(handle) == ClConstants.Success;
}
