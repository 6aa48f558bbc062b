namespace AiProfiler.Core.Workers;

/// <summary>How one request to a worker ended: its reply, or the worker's death (with its cause), or a timeout.</summary>
internal sealed record WorkerExchange(WorkerReply? Reply, string? Death, bool TimedOut, IReadOnlyList<string> StderrTail);
