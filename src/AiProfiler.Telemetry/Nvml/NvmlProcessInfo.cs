using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// nvmlProcessInfo_t, which nvml.h declares as nvmlProcessInfo_v2_t, the element type of
/// nvmlDeviceGetComputeRunningProcesses_v3. usedGpuMemory is NVML_VALUE_NOT_AVAILABLE (all bits set) under WDDM.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlProcessInfo
{
    public const ulong ValueNotAvailable = ulong.MaxValue;

    public uint Pid;
    public ulong UsedGpuMemory;
    public uint GpuInstanceId;
    public uint ComputeInstanceId;
}
