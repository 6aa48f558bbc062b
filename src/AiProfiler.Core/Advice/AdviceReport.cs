using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Advice;

/// <summary>Everything <c>aiprofiler advise</c> prints, the page shows and the HTML report holds.</summary>
/// <param name="GeneratedAt">When the advice was computed.</param>
/// <param name="Calibration">The calibration it rests on.</param>
/// <param name="Scenarios">One answer per scenario.</param>
public sealed record AdviceReport(DateTimeOffset GeneratedAt, MachineCalibration Calibration, IReadOnlyList<ScenarioAdvice> Scenarios);
