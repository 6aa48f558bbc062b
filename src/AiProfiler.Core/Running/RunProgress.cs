namespace AiProfiler.Core.Running;

/// <summary>Progress of a run, for a progress display.</summary>
/// <param name="Phase">preparing, warm-up, measuring, verifying.</param>
/// <param name="Completed">Iterations done in this phase.</param>
/// <param name="Total">Iterations planned in this phase (the budget may end it sooner).</param>
/// <param name="Note">A line worth showing once, such as a budget that one iteration will overrun; null for none.</param>
public sealed record RunProgress(string Phase, int Completed, int Total, string? Note = null);
