namespace AiProfiler.Core.Roofline;

/// <summary>Where one run sits on its device's roofline.</summary>
/// <param name="PeakFlopsPerSecond">The device's peak for the run's precision.</param>
/// <param name="PeakBandwidthBytesPerSecond">The device's peak memory bandwidth.</param>
/// <param name="ArithmeticIntensity">The run's FLOPs per byte.</param>
/// <param name="AttainableFlopsPerSecond">min(peak FLOP/s, intensity × bandwidth).</param>
/// <param name="AchievedFlopsPerSecond">What the run achieved.</param>
/// <param name="AchievedBytesPerSecond">Bytes per second the run moved (by its cost model).</param>
public sealed record RooflinePoint(
    double PeakFlopsPerSecond,
    double PeakBandwidthBytesPerSecond,
    double ArithmeticIntensity,
    double AttainableFlopsPerSecond,
    double AchievedFlopsPerSecond,
    double AchievedBytesPerSecond)
{
    /// <summary>The intensity at which the memory roof meets the compute roof.</summary>
    public double RidgeIntensity => PeakBandwidthBytesPerSecond > 0 ? PeakFlopsPerSecond / PeakBandwidthBytesPerSecond : double.PositiveInfinity;

    /// <summary>
    /// <c>memory</c> when the intensity is left of the ridge, else <c>compute</c>; <c>unknown</c> when the device
    /// reports no bandwidth or no FLOP/s peak (OpenCL has no query for bandwidth), since then there is no ridge.
    /// </summary>
    public string Bound => PeakBandwidthBytesPerSecond <= 0 || PeakFlopsPerSecond <= 0 ? "unknown"
        : ArithmeticIntensity < RidgeIntensity ? "memory" : "compute";

    /// <summary>Achieved over attainable (0–1): how close the run is to its own roof.</summary>
    public double RooflineRatio => AttainableFlopsPerSecond > 0 ? AchievedFlopsPerSecond / AttainableFlopsPerSecond : 0;

    /// <summary>Model FLOPs utilization: achieved over peak FLOP/s.</summary>
    public double PeakFlopsRatio => PeakFlopsPerSecond > 0 ? AchievedFlopsPerSecond / PeakFlopsPerSecond : 0;

    /// <summary>Model bandwidth utilization: achieved bytes/s over peak bandwidth.</summary>
    public double PeakBandwidthRatio => PeakBandwidthBytesPerSecond > 0 ? AchievedBytesPerSecond / PeakBandwidthBytesPerSecond : 0;
}
