namespace AiProfiler.Telemetry.Linux;

/// <summary>One line of a /proc/pressure file: <paramref name="Kind"/> is <c>some</c> or <c>full</c>.</summary>
internal readonly record struct PressureStall(string Kind, double TotalSeconds);
