using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Core.Roofline;

/// <summary>The roofline model: attainable = min(peak FLOP/s, intensity × peak bandwidth).</summary>
public static class RooflineModel
{
    /// <summary>Places a run with <paramref name="cost"/> per iteration and <paramref name="secondsPerIteration"/> on <paramref name="device"/>'s roofline.</summary>
    public static RooflinePoint Place(DeviceInfo device, DataType precision, WorkloadCost cost, double secondsPerIteration)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(cost);
        var peakFlops = device.PeakFlopsFor(precision);
        var bandwidth = device.PeakBandwidthBytesPerSecond;
        var intensity = cost.ArithmeticIntensity;
        var attainable = bandwidth > 0 ? Math.Min(peakFlops, intensity * bandwidth) : peakFlops;
        var achievedFlops = secondsPerIteration > 0 ? cost.Flops / secondsPerIteration : 0;
        var achievedBytes = secondsPerIteration > 0 ? cost.Bytes / secondsPerIteration : 0;
        return new RooflinePoint(peakFlops, bandwidth, intensity, attainable, achievedFlops, achievedBytes);
    }
}
