namespace AiProfiler.Core.Calibration;

/// <summary>
/// One device's measured ceilings, with the datasheet estimates beside them: compute per precision, memory bandwidth
/// (STREAM triad) and, on accelerators, host↔device transfer bandwidth.
/// </summary>
public sealed record DeviceCalibration
{
    /// <summary>The device id: <c>cpu</c>, <c>opencl:0</c>, <c>cuda:1</c>.</summary>
    public required string DeviceId { get; init; }

    /// <summary>The device's name.</summary>
    public required string DeviceName { get; init; }

    /// <summary>cpu, opencl or cuda.</summary>
    public required string Kind { get; init; }

    /// <summary>Device memory in bytes (host memory for the CPU).</summary>
    public long MemoryBytes { get; init; }

    /// <summary>When this device was measured.</summary>
    public required DateTimeOffset MeasuredAt { get; init; }

    /// <summary>The compute ceilings, fp32 first.</summary>
    public IReadOnlyList<ComputeCeiling> Compute { get; init; } = [];

    /// <summary>Memory bandwidth measured with the STREAM triad, repeated; null when not measured.</summary>
    public MeasuredRate? Bandwidth { get; init; }

    /// <summary>The datasheet bandwidth estimate; 0 when the device reports nothing to estimate it from.</summary>
    public double DatasheetBandwidthBytesPerSecond { get; init; }

    /// <summary>Host-to-device copy bandwidth (accelerators only).</summary>
    public MeasuredRate? HostToDevice { get; init; }

    /// <summary>Device-to-host copy bandwidth (accelerators only).</summary>
    public MeasuredRate? DeviceToHost { get; init; }

    /// <summary>Ceilings seen in real workload runs (prefill GEMM, decode bandwidth).</summary>
    public IReadOnlyList<WorkloadCeiling> Workloads { get; init; } = [];

    /// <summary>How the datasheet estimates were made.</summary>
    public string DatasheetSource { get; init; } = "";

    /// <summary>The compute ceiling for <paramref name="precision"/>, or null when neither measured nor estimated.</summary>
    public ComputeCeiling? ComputeFor(string precision) =>
        Compute.FirstOrDefault(c => string.Equals(c.Precision, precision, StringComparison.Ordinal));

    /// <summary>The workload ceiling of <paramref name="kind"/> measured in <paramref name="precision"/>, or null.</summary>
    public WorkloadCeiling? Workload(string kind, string precision = "fp32") =>
        Workloads.FirstOrDefault(w => string.Equals(w.Kind, kind, StringComparison.Ordinal) && string.Equals(w.Precision, precision, StringComparison.Ordinal));

    /// <summary>
    /// The ceilings over a stretch of time from two measurements of them, one at each end (<c>advise --validate</c>
    /// measures before and after its run): each workload ceiling that differs between the two has its median and best
    /// pass averaged and its range widened to both; everything else is <paramref name="before"/>'s.
    /// </summary>
    public static DeviceCalibration Between(DeviceCalibration before, DeviceCalibration after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        WorkloadCeiling Mean(WorkloadCeiling first)
        {
            var second = after.Workload(first.Kind, first.Precision);
            if (second is null || second.Rate == first.Rate)
            {
                return first;
            }

            var (a, b) = (first.Rate, second.Rate);
            return first with
            {
                Rate = new MeasuredRate((a.Median + b.Median) / 2, Math.Min(a.Low, b.Low), (a.High + b.High) / 2, a.Repetitions + b.Repetitions),
                Source = first.Source + ", before and after",
            };
        }

        return before with { Workloads = [.. before.Workloads.Select(Mean)] };
    }

    /// <summary>The bandwidth to use: the fastest measured pass (see <see cref="ComputeCeiling.Effective"/>), else the datasheet estimate.</summary>
    public double EffectiveBandwidth => Bandwidth?.High ?? DatasheetBandwidthBytesPerSecond;
}
