using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// nvmlMemory_v2_t (nvml.h), filled by nvmlDeviceGetMemoryInfo_v2. The unsigned int version is followed by 4 bytes of
/// padding, because the unsigned long longs after it are 8-byte aligned.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlMemoryV2
{
    /// <summary>
    /// nvmlMemory_v2 = NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | (2 &lt;&lt; 24) = 40 | 0x02000000.
    /// </summary>
    public const uint Version2 = 40u | (2u << 24);

    public uint Version;
    public ulong Total;
    public ulong Reserved;
    public ulong Free;
    public ulong Used;
}
