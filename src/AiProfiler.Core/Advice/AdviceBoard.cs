namespace AiProfiler.Core.Advice;

/// <summary>The latest advice for the scenarios in configuration (<c>Advise:Scenarios</c>): what the page and the metrics show.</summary>
public sealed class AdviceBoard
{
    private AdviceReport? _latest;

    /// <summary>The latest report, or null before the first one.</summary>
    public AdviceReport? Latest => Volatile.Read(ref _latest);

    /// <summary>Problems with configured scenarios (unknown model, bad SLO), one line each.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <summary>Publishes a new report.</summary>
    public void Publish(AdviceReport report, IReadOnlyList<string> problems)
    {
        Problems = problems;
        Volatile.Write(ref _latest, report);
    }
}
