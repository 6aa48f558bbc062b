namespace AiProfiler.Telemetry.Linux;

/// <summary>One CPU's line of /proc/stat, in USER_HZ ticks per mode (see <see cref="ProcStatParser.Modes"/>).</summary>
internal sealed record CpuTimes(string Cpu, ulong[] Ticks);
