namespace AiProfiler.Telemetry.Linux;

/// <summary>The fields of /proc/self/status the process sampler exports.</summary>
internal readonly record struct ProcessStatus(double ResidentBytes, int Threads);
