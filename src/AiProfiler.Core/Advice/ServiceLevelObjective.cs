namespace AiProfiler.Core.Advice;

/// <summary>Latency targets a request must meet to count towards goodput (p99 in MLPerf's presets).</summary>
/// <param name="Name">The preset name or the text the user gave, e.g. <c>mlperf-interactive</c>, <c>ttft=2s,tpot=100ms</c>.</param>
/// <param name="TtftSeconds">Time to first token limit.</param>
/// <param name="TpotSeconds">Time per output token limit.</param>
public sealed record ServiceLevelObjective(string Name, double TtftSeconds, double TpotSeconds);
