namespace AiProfiler.Telemetry.Nvml;

/// <summary>A process with a compute context on a GPU; UsedGpuMemory is null where NVML cannot tell (WDDM).</summary>
internal readonly record struct NvmlComputeProcess(uint Pid, ulong? UsedGpuMemory);
