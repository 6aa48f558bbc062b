namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// The bits of nvmlDeviceGetCurrentClocksEventReasons (nvml.h, group nvmlClocksEventReasons; formerly "throttle
/// reasons"), with the label value each is exported under.
/// </summary>
internal static class NvmlClocksEventReasons
{
    public static readonly (ulong Bit, string Reason)[] All =
    [
        (0x0000000000000001UL, "gpu_idle"),
        (0x0000000000000002UL, "applications_clocks_setting"),
        (0x0000000000000004UL, "sw_power_cap"),
        (0x0000000000000008UL, "hw_slowdown"),
        (0x0000000000000010UL, "sync_boost"),
        (0x0000000000000020UL, "sw_thermal_slowdown"),
        (0x0000000000000040UL, "hw_thermal_slowdown"),
        (0x0000000000000080UL, "hw_power_brake_slowdown"),
        (0x0000000000000100UL, "display_clock_setting"),
    ];
}
