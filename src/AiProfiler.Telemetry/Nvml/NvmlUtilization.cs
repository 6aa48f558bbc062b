using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlUtilization_t (nvml.h): percent of the last sample period (1/6 s to 1 s) the GPU and its memory were busy.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlUtilization
{
    public uint Gpu;
    public uint Memory;
}
