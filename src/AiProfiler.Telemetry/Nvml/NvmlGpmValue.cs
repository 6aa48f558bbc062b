namespace AiProfiler.Telemetry.Nvml;

/// <summary>One metric out of nvmlGpmMetricsGet: valid only when <paramref name="Return"/> is success.</summary>
internal readonly record struct NvmlGpmValue(NvmlReturn Return, double Value);
