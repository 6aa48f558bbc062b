using System.Runtime.CompilerServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>nvmlGpmMetric_t metrics[NVML_GPM_METRIC_MAX]; NVML_GPM_METRIC_MAX is 98 for NVML_GPM_METRICS_GET_VERSION 1.</summary>
[InlineArray(Length)]
internal struct NvmlGpmMetricArray
{
    public const int Length = 98;

    private NvmlGpmMetric _element;
}
