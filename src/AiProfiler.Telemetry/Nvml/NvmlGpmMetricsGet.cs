using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlGpmMetricsGet_t (nvml.h), the in/out argument of nvmlGpmMetricsGet.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpmMetricsGet
{
    /// <summary>NVML_GPM_METRICS_GET_VERSION.</summary>
    public const uint CurrentVersion = 1;

    public uint Version;
    public uint NumMetrics;
    public nint Sample1;
    public nint Sample2;
    public NvmlGpmMetricArray Metrics;
}
