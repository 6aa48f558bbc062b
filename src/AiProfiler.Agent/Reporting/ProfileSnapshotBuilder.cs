using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Agent.Hosting;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Metrics;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Reporting;

/// <summary>Takes a <see cref="ProfileSnapshot"/> of the running agent: its devices and the latest run the metrics hold.</summary>
internal sealed class ProfileSnapshotBuilder(DeviceRegistry devices, ProfilerMetrics metrics, TimeProvider time)
{
    public ProfileSnapshot Build()
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
            [.. found.Select(Summarize)],
            [.. devices.Backends.Where(b => b.UnavailableReason is not null).Select(b => new BackendSummary(b.Prefix, b.UnavailableReason!))],
            runs);
    }

    private static DeviceSummary Summarize(DeviceInfo d)
    {
        CeilingSummary[] compute =
        [
            new(DataType.Float32.ShortName(), d.PeakFlopsPerSecond),
            .. d.PeakFlopsByType.Where(p => p.Key != DataType.Float32).OrderBy(p => p.Key).Select(p => new CeilingSummary(p.Key.ShortName(), p.Value)),
        ];
        return new DeviceSummary(d.Id, d.Kind.ToString().ToLowerInvariant(), d.Name, d.Vendor, d.DriverVersion, d.MemoryBytes, d.ComputeUnits,
            compute, new CeilingSummary("memory", d.PeakBandwidthBytesPerSecond), d.PeakSource);
    }

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
