using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlMemory_t (nvml.h), filled by nvmlDeviceGetMemoryInfo on drivers without the _v2 entry point.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlMemory
{
    public ulong Total;
    public ulong Free;
    public ulong Used;
}
