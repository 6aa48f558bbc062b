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
        Assert.Equal(20e9, point.AttainableFlopsPerSecond, 3);
        Assert.Equal(10e9, point.AchievedFlopsPerSecond, 3);
        Assert.Equal(0.5, point.RooflineRatio, 9);
        Assert.Equal(0.1, point.PeakFlopsRatio, 9);
        Assert.Equal(0.5, point.PeakBandwidthRatio, 9);
        Assert.Equal(10, point.RidgeIntensity, 9);
    }

    [Fact]
    public void Place_HighIntensity_ComputeBoundAtThePrecisionsPeak()
    {
        var point = RooflineModel.Place(Device, DataType.Float16, new WorkloadCost(200e9, 1e9, 1, "x"), 1);

        Assert.Equal("compute", point.Bound);
        Assert.Equal(400e9, point.AttainableFlopsPerSecond, 3);
        Assert.Equal(0.5, point.RooflineRatio, 9);
    }

    [Fact]
    public void Place_UnknownBandwidth_RoofIsThePeakAndBoundUnknown()
    {
        var point = RooflineModel.Place(Device with { PeakBandwidthBytesPerSecond = 0 }, DataType.Float32, new WorkloadCost(2e9, 1e9, 1, "x"), 0.1);

        Assert.Equal("unknown", point.Bound);
        Assert.Equal(100e9, point.AttainableFlopsPerSecond, 3);
        Assert.Equal(0, point.PeakBandwidthRatio);
    }
}
