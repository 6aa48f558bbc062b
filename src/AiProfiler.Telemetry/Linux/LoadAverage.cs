namespace AiProfiler.Telemetry.Linux;

/// <summary>The run-queue averages of /proc/loadavg.</summary>
internal readonly record struct LoadAverage(double One, double Five, double Fifteen);
