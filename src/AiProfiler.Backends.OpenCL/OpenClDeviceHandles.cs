using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>A discovered device: its platform and device ids (not reference counted) and the limits allocation needs.</summary>
/// <param name="Platform">The <c>cl_platform_id</c>.</param>
/// <param name="Device">The <c>cl_device_id</c>.</param>
/// <param name="DeviceType">CL_DEVICE_TYPE bits.</param>
/// <param name="GlobalMemoryBytes">CL_DEVICE_GLOBAL_MEM_SIZE.</param>
/// <param name="MaxAllocationBytes">CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer.</param>
internal sealed record OpenClDeviceHandles(nint Platform, nint Device, ulong DeviceType, long GlobalMemoryBytes, long MaxAllocationBytes)
{
    /// <summary>Whether the device runs on the host's CPUs (PoCL, Intel's CPU runtime), sharing host memory.</summary>
    public bool IsCpu => (DeviceType & ClConstants.DeviceTypeCpu) != 0;

    public static OpenClDeviceHandles Query(nint platform, nint device) => new(
        platform,
        device,
        ClInfo.DeviceValue<ulong>(device, ClConstants.DeviceType),
        (long)Math.Min(ClInfo.DeviceValue<ulong>(device, ClConstants.DeviceGlobalMemSize), long.MaxValue),
        (long)Math.Min(ClInfo.DeviceValue<ulong>(device, ClConstants.DeviceMaxMemAllocSize), long.MaxValue));
}
