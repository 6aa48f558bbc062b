using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Cli;

/// <summary>One result of <c>aiprofiler bench</c> with every parameter's value and the values its sweep varied.</summary>
internal sealed record BenchRow(RunResult Result, IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, string> Swept);
