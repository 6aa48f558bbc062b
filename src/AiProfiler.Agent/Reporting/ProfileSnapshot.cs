using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// Everything the page and the report show, as one immutable value: what <c>/api/summary</c> serves and what
/// <c>aiprofiler report</c> reads back, so the page, the API and the report cannot disagree.
/// </summary>
/// <param name="GeneratedAt">When the snapshot was taken.</param>
/// <param name="Machine">The host.</param>
/// <param name="Devices">Every device found, with its ceilings.</param>
/// <param name="UnavailableBackends">Backends that were not usable, with the reason.</param>
/// <param name="Runs">The latest measured run of every workload, size and implementation on every device.</param>
/// <param name="Calibration">The calibration the ceilings come from; null when the machine is not calibrated.</param>
/// <param name="Advice">The answer for each configured scenario: predictions per device and the verdict.</param>
/// <param name="AdvicePending">Why scenarios are configured but have no verdict yet (no calibration), or null.</param>
internal sealed record ProfileSnapshot(
    DateTimeOffset GeneratedAt,
    MachineSummary Machine,
    IReadOnlyList<DeviceSummary> Devices,
    IReadOnlyList<BackendSummary> UnavailableBackends,
    IReadOnlyList<RunSummary> Runs,
    MachineCalibration? Calibration,
    IReadOnlyList<ScenarioAdvice> Advice,
    string? AdvicePending = null);
