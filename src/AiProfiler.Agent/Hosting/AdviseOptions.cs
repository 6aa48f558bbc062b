namespace AiProfiler.Agent.Hosting;

/// <summary>Configuration section <c>Advise</c>: the scenarios whose verdicts the agent keeps on its page and exports as metrics.</summary>
internal sealed class AdviseOptions
{
    public const string SectionName = "Advise";

    /// <summary>Each question to answer continuously, as <c>aiprofiler advise</c> would be asked it.</summary>
    public IList<AdviseScenarioOptions> Scenarios { get; init; } = [];
}
