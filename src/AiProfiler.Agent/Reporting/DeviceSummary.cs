namespace AiProfiler.Agent.Reporting;

/// <summary>A device with its ceilings.</summary>
/// <param name="Id">cpu, opencl:0, cuda:1.</param>
/// <param name="Kind">cpu, opencl or cuda.</param>
/// <param name="Name">The device's name.</param>
/// <param name="Vendor">The vendor or platform.</param>
/// <param name="Driver">The driver or runtime version.</param>
/// <param name="MemoryBytes">Memory usable by workloads.</param>
/// <param name="ComputeUnits">Cores, compute units or SMs.</param>
/// <param name="Compute">FLOP/s ceilings, fp32 first.</param>
/// <param name="Bandwidth">The memory bandwidth ceiling.</param>
/// <param name="Source">How the ceilings were obtained.</param>
internal sealed record DeviceSummary(
    string Id,
    string Kind,
    string Name,
    string Vendor,
    string Driver,
    long MemoryBytes,
    int ComputeUnits,
    IReadOnlyList<CeilingSummary> Compute,
    CeilingSummary Bandwidth,
    string Source)
{
    /// <summary>The FLOP/s ceiling for <paramref name="precision"/>, falling back to fp32 as the runner does.</summary>
    public double PeakFor(string precision) =>
        (Compute.FirstOrDefault(c => c.Precision == precision) ?? (Compute.Count > 0 ? Compute[0] : null))?.Effective ?? 0;
}
