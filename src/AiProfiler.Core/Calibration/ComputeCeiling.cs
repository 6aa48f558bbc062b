namespace AiProfiler.Core.Calibration;

/// <summary>One device's arithmetic ceiling in one precision: what a micro-benchmark measured beside the datasheet estimate.</summary>
/// <param name="Precision">fp32, fp16, bf16 or int8 (operations of int8 dot products count as FLOPs).</param>
/// <param name="Measured">The measured FLOP/s, or null when this precision has no measurement here.</param>
/// <param name="DatasheetFlopsPerSecond">The estimate from the device's properties (units × clock × operations per cycle); 0 when unknown.</param>
/// <param name="Method">How it was measured, e.g. <c>avx512 fma, 2 threads x 12 accumulators</c>.</param>
public sealed record ComputeCeiling(string Precision, MeasuredRate? Measured, double DatasheetFlopsPerSecond, string Method)
{
    /// <summary>
    /// The ceiling to use: the fastest measured pass when there is one (as STREAM and the Empirical Roofline Tool
    /// report: a pass can only be slowed by what else runs, never sped up), else the datasheet estimate.
    /// </summary>
    public double Effective => Measured?.High ?? DatasheetFlopsPerSecond;
}
