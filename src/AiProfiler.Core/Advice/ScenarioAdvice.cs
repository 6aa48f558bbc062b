namespace AiProfiler.Core.Advice;

/// <summary>One scenario's answer: predictions per device and the verdict line.</summary>
/// <param name="Scenario">The question.</param>
/// <param name="Model">The model's shape.</param>
/// <param name="ParameterCount">Parameters in total (all experts).</param>
/// <param name="ActiveParameterCount">Parameters used per token (fewer than the total for mixture-of-experts).</param>
/// <param name="Predictions">One per device.</param>
/// <param name="Verdict">One line a person can act on, e.g. <c>... cpu serves 0 users (TPOT 142 ms &gt; 30 ms); opencl:0 serves 37 — GPU needed</c>.</param>
public sealed record ScenarioAdvice(
    AdviceScenario Scenario,
    ModelArchitecture Model,
    long ParameterCount,
    long ActiveParameterCount,
    IReadOnlyList<DevicePrediction> Predictions,
    string Verdict);
