using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlPciInfo_t (nvml.h), filled by nvmlDeviceGetPciInfo_v3.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NvmlPciInfo
{
    /// <summary>char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE = 16]: "domain:bus:device.function", NUL-terminated.</summary>
    public fixed byte BusIdLegacy[16];

    public uint Domain;
    public uint Bus;
    public uint Device;
    public uint PciDeviceId;
    public uint PciSubSystemId;

    /// <summary>char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE = 32]: "domain:bus:device.function", NUL-terminated.</summary>
    public fixed byte BusId[32];
}
