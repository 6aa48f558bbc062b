using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlGpmSupport_t (nvml.h), filled by nvmlGpmQueryDeviceSupport.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpmSupport
{
    /// <summary>NVML_GPM_SUPPORT_VERSION.</summary>
    public const uint CurrentVersion = 1;

    public uint Version;
    public uint IsSupportedDevice;
}
