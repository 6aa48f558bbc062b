using AiProfiler.Abstractions.Devices;
using AiProfiler.Agent.Reporting;

namespace AiProfiler.Agent.Tests.Reporting;

public sealed class ProfileSnapshotBuilderTests
{
    /// <summary>
    /// An uncalibrated CPU lists fp32, its other float peaks, and one int8 roof for the block-quantized types (which
    /// share it), named as calibration names it: not four identical q8_0, q4_0, q4_k and q6_k lines.
    /// </summary>
    [Fact]
    public void Summarize_UncalibratedBlockQuantizedPeaks_OneInt8Ceiling()
    {
        var info = new DeviceInfo
        {
            Id = "cpu",
            Kind = DeviceKind.Cpu,
            Name = "test",
            PeakFlopsPerSecond = 1e11,
            PeakFlopsByType = new Dictionary<DataType, double>
            {
                [DataType.BFloat16] = 2e11,
                [DataType.Q8_0] = 4e11,
                [DataType.Q4_0] = 4e11,
                [DataType.Q4_K] = 4e11,
                [DataType.Q6_K] = 4e11,
            },
            PeakBandwidthBytesPerSecond = 5e10,
        };

        var summary = ProfileSnapshotBuilder.Summarize(info, null);

        Assert.Equal(["fp32", "bf16", "int8"], summary.Compute.Select(c => c.Precision));
        Assert.Equal([1e11, 2e11, 4e11], summary.Compute.Select(c => c.Effective));
    }
}
