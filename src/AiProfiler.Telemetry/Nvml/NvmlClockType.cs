namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlClockType_t (nvml.h); all speeds are in MHz.</summary>
internal enum NvmlClockType
{
    Graphics = 0,
    Sm = 1,
    Mem = 2,
    Video = 3,
}
