namespace AiProfiler.Core.Running;

/// <summary>Progress of a run, for a progress display.</summary>
/// <param name="Phase">preparing, warm-up, measuring, verifying.</param>
/// <param name="Completed">Iterations done in this phase.</param>
/// <param name="Total">Iterations planned in this phase (the budget may end it sooner).</param>
public sealed record RunProgress(string Phase, int Completed, int Total);
