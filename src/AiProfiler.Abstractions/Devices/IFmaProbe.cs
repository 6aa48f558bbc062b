namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// A device that runs the fp32 FMA throughput probe itself, for devices whose kernels are not written in the portable
/// C dialect (<see cref="IDevice.Kernels"/> is null: ILGPU's, whose kernels are C# methods). The calibration asks for it
/// through <see cref="IDevice.GetCapability{T}"/> and counts 16 FLOPs per work-item per iteration.
/// </summary>
public interface IFmaProbe
{
    /// <summary>What runs, for the calibration's method column, e.g. <c>ILGPU C# fma kernel</c>.</summary>
    string FmaProbeMethod { get; }

    /// <summary>
    /// Runs <paramref name="workItems"/> work-items, each doing <paramref name="iterations"/> rounds of eight independent
    /// fused multiply-add chains on registers, and returns the seconds the device took (its own timer, after a synchronize).
    /// </summary>
    double TimeFmaChains(long workItems, int iterations);
}
