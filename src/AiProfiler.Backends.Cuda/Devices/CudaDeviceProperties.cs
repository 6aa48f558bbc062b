using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cuda.Devices;

/// <summary>What the driver reports about one device, in the driver's units.</summary>
internal sealed record CudaDeviceProperties
{
    public required int Ordinal { get; init; }

    public required string Name { get; init; }

    public required long TotalMemoryBytes { get; init; }

    public required int ComputeCapabilityMajor { get; init; }

    public required int ComputeCapabilityMinor { get; init; }

    public required int MultiprocessorCount { get; init; }

    public required int ClockRateKHz { get; init; }

    public required int MemoryClockRateKHz { get; init; }

    public required int MemoryBusWidthBits { get; init; }

    public int MaxThreadsPerBlock { get; init; }

    public int MaxSharedMemoryPerBlock { get; init; }

    /// <summary>The compute capability as NVRTC's architecture number, e.g. 86 for 8.6.</summary>
    public int Architecture => (ComputeCapabilityMajor * 10) + ComputeCapabilityMinor;

    /// <summary>The device as the rest of AiProfiler sees it, with peak estimates.</summary>
    public DeviceInfo ToDeviceInfo(int driverVersion)
    {
        var peaks = CudaPeakEstimator.Estimate(this);
        return new DeviceInfo
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"cuda:{Ordinal}"),
            Kind = DeviceKind.Cuda,
            Name = Name,
            Vendor = "NVIDIA",
            DriverVersion = FormatDriverVersion(driverVersion),
            MemoryBytes = TotalMemoryBytes,
            ComputeUnits = MultiprocessorCount,
            ClockHz = ClockRateKHz * 1e3,
            PeakFlopsPerSecond = peaks.Fp32FlopsPerSecond,
            PeakFlopsByType = TensorPeaks(peaks.TensorFlopsPerSecond),
            PeakBandwidthBytesPerSecond = peaks.BandwidthBytesPerSecond,
            PeakSource = peaks.Source,
        };
    }

    private Dictionary<DataType, double> TensorPeaks(double? tensor)
    {
        var peaks = new Dictionary<DataType, double>();
        if (tensor is { } flops)
        {
            peaks[DataType.Float16] = flops;
            if (CudaPeakEstimator.HasBFloat16TensorCores(ComputeCapabilityMajor))
            {
                peaks[DataType.BFloat16] = flops;
            }
        }

        return peaks;
    }

    /// <summary>cuDriverGetVersion's 1000·major + 10·minor as "CUDA major.minor", e.g. 12060 as "CUDA 12.6".</summary>
    public static string FormatDriverVersion(int version) =>
        version <= 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"CUDA {version / 1000}.{version % 1000 / 10}");
}
