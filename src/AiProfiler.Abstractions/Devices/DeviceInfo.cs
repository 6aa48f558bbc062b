namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// What is known about a device before any workload runs on it. Peaks are estimates from the device's properties
/// (units × clock × FLOPs per cycle, bus width × memory clock); <see cref="PeakSource"/> says how each was obtained.
/// </summary>
public sealed record DeviceInfo
{
    /// <summary>The id used on the command line and as the <c>device</c> label: <c>cpu</c>, <c>opencl:0</c>, <c>cuda:1</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The backend family.</summary>
    public required DeviceKind Kind { get; init; }

    /// <summary>The device's marketing name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The vendor or platform, e.g. <c>NVIDIA</c>, <c>Portable Computing Language</c>.</summary>
    public string Vendor { get; init; } = "";

    /// <summary>The driver or runtime version, when the backend reports one.</summary>
    public string DriverVersion { get; init; } = "";

    /// <summary>Total memory usable by workloads, in bytes.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Compute units: CPU logical cores, OpenCL compute units, CUDA streaming multiprocessors.</summary>
    public int ComputeUnits { get; init; }

    /// <summary>The maximum core clock in hertz, 0 when unknown.</summary>
    public double ClockHz { get; init; }

    /// <summary>Estimated peak fp32 FLOP/s.</summary>
    public double PeakFlopsPerSecond { get; init; }

    /// <summary>Estimated peak FLOP/s per GEMM input precision where it differs from fp32 (fp16 and bf16 tensor cores).</summary>
    public IReadOnlyDictionary<DataType, double> PeakFlopsByType { get; init; } = new Dictionary<DataType, double>();

    /// <summary>Estimated peak memory bandwidth in bytes per second.</summary>
    public double PeakBandwidthBytesPerSecond { get; init; }

    /// <summary>
    /// Whether the device emulates an accelerator for correctness checks (ILGPU's CPU accelerator): its timings say
    /// nothing about hardware, so schedules' <c>all</c> and advice leave it out; name it explicitly to run on it.
    /// </summary>
    public bool IsEmulator { get; init; }

    /// <summary>
    /// Whether the device's buffers live in the host's memory (the CPU, an OpenCL CPU device such as PoCL, ILGPU's
    /// CPU accelerator): a run's device buffers and its host copies then compete for the same free memory.
    /// </summary>
    public bool SharesHostMemory { get; init; }

    /// <summary>How the peaks were estimated, so a user can judge them.</summary>
    public string PeakSource { get; init; } = "";

    /// <summary>The peak FLOP/s for GEMM inputs of <paramref name="type"/>, falling back to fp32.</summary>
    public double PeakFlopsFor(DataType type) =>
        PeakFlopsByType.TryGetValue(type, out var peak) ? peak : PeakFlopsPerSecond;
}
