namespace AiProfiler.Telemetry.Nvml;

/// <summary>Device memory in bytes as the seam reports it; Reserved is null when only nvmlDeviceGetMemoryInfo (v1) exists.</summary>
internal readonly record struct NvmlMemoryInfo(ulong Total, ulong Used, ulong Free, ulong? Reserved);
