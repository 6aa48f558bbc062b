namespace AiProfiler.Abstractions.Workloads;

/// <summary>
/// The analytic cost of one iteration, from which the runner derives FLOP/s, bytes/s, items/s and the arithmetic
/// intensity that places a run on the roofline.
/// </summary>
/// <param name="Flops">Floating-point operations of one iteration (a fused multiply-add counts as 2).</param>
/// <param name="Bytes">Bytes that must move between the device's main memory and its compute units at least once.</param>
/// <param name="Items">Units of useful work, such as tokens, samples or sequences.</param>
/// <param name="ItemUnit">The plural name of one item (e.g. <c>tokens</c>), used as a metric label.</param>
public sealed record WorkloadCost(double Flops, double Bytes, double Items, string ItemUnit)
{
    /// <summary>
    /// The type the device computes in, where the prepared workload knows it better than its <c>precision</c>
    /// parameter (a weight file keeps its own types; a CPU multiplies block-quantized weights as int8); null to take
    /// the parameter's. The runner places the run under this type's peak (<see cref="Devices.DeviceInfo.PeakFlopsFor"/>).
    /// </summary>
    public Devices.DataType? Precision { get; init; }

    /// <summary>FLOPs per byte moved; zero when no bytes move.</summary>
    public double ArithmeticIntensity => Bytes > 0 ? Flops / Bytes : 0;
}
