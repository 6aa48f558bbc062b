namespace AiProfiler.Core.Workers;

/// <summary>A workload as a worker saw it when it inspected a plugin folder: enough to validate a schedule.</summary>
internal sealed record WorkloadDescription(string Name, IReadOnlyList<string> Parameters);
