using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Agent.Hosting;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Metrics;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// Takes a <see cref="ProfileSnapshot"/>: the devices with their ceilings (calibrated where a calibration is given), the
/// latest run the metrics hold, and the advice. The agent's page and <c>advise --format html</c> both build theirs here.
/// </summary>
internal sealed class ProfileSnapshotBuilder(DeviceRegistry devices, ProfilerMetrics metrics, CalibrationCache calibrations, TimeProvider time)
{
    /// <summary>The agent's page: this machine's calibration and the verdicts of <c>Advise:Scenarios</c>.</summary>
    public ProfileSnapshot Build(ConfiguredAdvice advice)
    {
        ArgumentNullException.ThrowIfNull(advice);
        return Build(calibrations.Current, advice.Current, advice.Pending);
    }

    /// <summary><c>advise --format html</c>: the advice with the calibration it rests on, and any runs it measured.</summary>
    public ProfileSnapshot Build(AdviceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Build(report.Calibration, report.Scenarios, null);
    }

    private ProfileSnapshot Build(MachineCalibration? calibration, IReadOnlyList<ScenarioAdvice> advice, string? pending)
    {
        var found = devices.Devices;
        var cpu = found.FirstOrDefault(d => d.Kind == DeviceKind.Cpu);
        var machine = new MachineSummary(
            Environment.MachineName,
            RuntimeInformation.OSDescription,
            cpu?.Name ?? "",
            Environment.ProcessorCount,
            cpu?.MemoryBytes ?? 0,
            AgentBuildInfo.Version);
        var runs = metrics.LatestRuns
            .Where(r => r.Measured)
            .OrderBy(r => r.Workload, StringComparer.Ordinal)
            .ThenBy(r => r.ParameterLabel, StringComparer.Ordinal)
            .ThenBy(r => r.Device.Id, StringComparer.Ordinal)
            .ThenBy(r => r.Implementation, StringComparer.Ordinal)
            .Select(Summarize)
            .ToArray();
        return new ProfileSnapshot(
            time.GetUtcNow(),
            machine,
            [.. found.Select(d => Summarize(d, calibration?.For(d.Id)))],
            [.. devices.Backends.Where(b => b.UnavailableReason is not null).Select(b => new BackendSummary(b.Prefix, b.UnavailableReason!))],
            runs,
            calibration,
            advice,
            pending);
    }

    internal static DeviceSummary Summarize(DeviceInfo d, DeviceCalibration? calibrated)
    {
        if (calibrated is not null)
        {
            return new DeviceSummary(d.Id, d.Kind.ToString().ToLowerInvariant(), d.Name, d.Vendor, d.DriverVersion, d.MemoryBytes, d.ComputeUnits,
                [.. calibrated.Compute.Select(c => Ceiling(c.Precision, c.DatasheetFlopsPerSecond, c.Measured))],
                Ceiling("memory", calibrated.DatasheetBandwidthBytesPerSecond, calibrated.Bandwidth),
                HtmlText.Invariant($"calibrated {calibrated.MeasuredAt:yyyy-MM-dd HH:mm} UTC; datasheet: {calibrated.DatasheetSource}"));
        }

        CeilingSummary[] compute =
        [
            new(DataType.Float32.ShortName(), d.PeakFlopsPerSecond),
            .. d.PeakFlopsByType.Where(p => p.Key != DataType.Float32 && !p.Key.IsBlockQuantized()).OrderBy(p => p.Key).Select(p => new CeilingSummary(p.Key.ShortName(), p.Value)),
            // One int8 roof for the block-quantized types, which share it (the CPU's int8 products), as calibration names it.
            .. d.PeakFlopsByType.Where(p => p.Key.IsBlockQuantized()).Select(p => p.Value).Distinct().Select(peak => new CeilingSummary("int8", peak)),
        ];
        return new DeviceSummary(d.Id, d.Kind.ToString().ToLowerInvariant(), d.Name, d.Vendor, d.DriverVersion, d.MemoryBytes, d.ComputeUnits,
            compute, new CeilingSummary("memory", d.PeakBandwidthBytesPerSecond), d.PeakSource);
    }

    private static CeilingSummary Ceiling(string precision, double datasheet, MeasuredRate? measured) =>
        new(precision, datasheet, measured?.High, measured?.Low, measured?.High);

    private static RunSummary Summarize(RunResult r) => new(
        r.Workload,
        r.Device.Id,
        r.Implementation,
        r.ParameterLabel,
        r.Shape,
        r.Precision.ShortName(),
        r.StartedAt,
        r.Latency?.Count ?? 0,
        r.Latency?.Mean ?? double.NaN,
        r.Latency?.StandardDeviation ?? double.NaN,
        r.FlopsPerSecond,
        r.BytesPerSecond,
        r.ItemsPerSecond,
        r.Cost?.ItemUnit ?? "",
        r.ArithmeticIntensity,
        r.Roofline?.RooflineRatio ?? 0,
        r.Roofline?.Bound ?? "unknown",
        r.Outcome == RunOutcome.Passed,
        r.Measurements.ToDictionary(m => m.Key, m => m.Value.Mean, StringComparer.Ordinal));
}
