using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Core.Roofline;

namespace AiProfiler.Core.Tests.Roofline;

public sealed class RooflineModelTests
{
    private static readonly DeviceInfo Device = new()
    {
        Id = "gpu",
        Kind = DeviceKind.Cuda,
        Name = "test",
        PeakFlopsPerSecond = 100e9,
        PeakFlopsByType = new Dictionary<DataType, double> { [DataType.Float16] = 400e9 },
        PeakBandwidthBytesPerSecond = 10e9,
    };

    [Fact]
    public void Place_LowIntensity_MemoryBoundAndRoofIsBandwidth()
    {
        var point = RooflineModel.Place(Device, DataType.Float32, new WorkloadCost(2e9, 1e9, 1, "x"), 0.2);

        Assert.Equal("memory", point.Bound);
        FloatAssert.Relative(20e9, point.AttainableFlopsPerSecond);
        FloatAssert.Relative(10e9, point.AchievedFlopsPerSecond);
        FloatAssert.Relative(0.5, point.RooflineRatio);
        FloatAssert.Relative(0.1, point.PeakFlopsRatio);
        FloatAssert.Relative(0.5, point.PeakBandwidthRatio);
        FloatAssert.Relative(10, point.RidgeIntensity);
    }

    [Fact]
    public void Place_HighIntensity_ComputeBoundAtThePrecisionsPeak()
    {
        var point = RooflineModel.Place(Device, DataType.Float16, new WorkloadCost(200e9, 1e9, 1, "x"), 1);

        Assert.Equal("compute", point.Bound);
        FloatAssert.Relative(400e9, point.AttainableFlopsPerSecond);
        FloatAssert.Relative(0.5, point.RooflineRatio);
    }

    [Fact]
    public void Place_UnknownBandwidth_RoofIsThePeakAndBoundUnknown()
    {
        var point = RooflineModel.Place(Device with { PeakBandwidthBytesPerSecond = 0 }, DataType.Float32, new WorkloadCost(2e9, 1e9, 1, "x"), 0.1);

        Assert.Equal("unknown", point.Bound);
        FloatAssert.Relative(100e9, point.AttainableFlopsPerSecond);
        Assert.Equal(0, point.PeakBandwidthRatio);
    }
}
