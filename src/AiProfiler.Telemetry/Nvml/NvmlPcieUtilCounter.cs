namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlPcieUtilCounter_t (nvml.h); throughput is returned in KB/s at 1 KB granularity.</summary>
internal enum NvmlPcieUtilCounter
{
    TxBytes = 0,
    RxBytes = 1,
}
