namespace AiProfiler.Agent.Reporting;

/// <summary>
/// One ceiling of a device (FLOP/s in one precision, or bytes/s): the datasheet estimate and, when calibrated, the
/// measured ceiling (the fastest pass) with the slowest beside it.
/// </summary>
/// <param name="Precision">fp32, fp16, bf16, int8; <c>memory</c> for bandwidth.</param>
/// <param name="Datasheet">The estimate from the device's properties; 0 when unknown.</param>
/// <param name="Measured">The measured ceiling (the fastest pass, as the predictions use it), or null when not calibrated.</param>
/// <param name="Low">The slowest measured repetition.</param>
/// <param name="High">The fastest measured repetition.</param>
internal sealed record CeilingSummary(string Precision, double Datasheet, double? Measured = null, double? Low = null, double? High = null)
{
    /// <summary>The ceiling the roofline uses: measured when there is a measurement, else the datasheet.</summary>
    public double Effective => Measured ?? Datasheet;
}
