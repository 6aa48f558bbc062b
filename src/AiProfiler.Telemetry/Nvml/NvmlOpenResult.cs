namespace AiProfiler.Telemetry.Nvml;

/// <summary>The library opened as an <see cref="INvmlApi"/>, or why it could not be.</summary>
internal readonly record struct NvmlOpenResult(INvmlApi? Api, string? Reason);
