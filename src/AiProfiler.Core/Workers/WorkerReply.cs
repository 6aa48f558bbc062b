namespace AiProfiler.Core.Workers;

/// <summary>
/// One line a worker writes to its standard output: <c>ready</c> once started, <c>progress</c> during a run,
/// <c>result</c> when a run ends, <c>inspected</c> for a plugin folder's description.
/// </summary>
internal sealed record WorkerReply
{
    public const string Ready = "ready";
    public const string Progress = "progress";
    public const string Finished = "result";
    public const string Inspected = "inspected";

    public required string Kind { get; init; }

    public string Phase { get; init; } = "";

    public int Completed { get; init; }

    public int Total { get; init; }

    /// <summary>What a progress line tells the user beyond its phase (the budget note), or null.</summary>
    public string? Note { get; init; }

    public WorkerRunResult? Result { get; init; }

    public IReadOnlyList<WorkloadDescription> Workloads { get; init; } = [];

    /// <summary>Why a folder could not be inspected, or null.</summary>
    public string? Error { get; init; }
}
