using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// nvmlGpmMetric_t (nvml.h). The header nests the three name pointers in an anonymous struct metricInfo; laid out
/// flat here, which gives the same offsets since that struct holds only pointers.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlGpmMetric
{
    public uint MetricId;
    public NvmlReturn NvmlReturn;
    public double Value;
    public nint ShortName;
    public nint LongName;
    public nint Unit;
}
