namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlTemperatureSensors_t (nvml.h).</summary>
internal enum NvmlTemperatureSensor
{
    Gpu = 0,
}
