using AiProfiler.Core.Running;

namespace AiProfiler.Core.Tests.Running;

public sealed class RunStatisticsTests
{
    [Fact]
    public void From_OneToTen_MatchesTextbookValues()
    {
        var stats = RunStatistics.From([7, 1, 10, 2, 9, 3, 8, 4, 6, 5]);

        Assert.Equal(10, stats.Count);
        FloatAssert.Relative(5.5, stats.Mean);
        FloatAssert.Relative(5.5, stats.Median);
        FloatAssert.Relative(9.1, stats.P90);
        FloatAssert.Relative(9.91, stats.P99);
        FloatAssert.Relative(Math.Sqrt(55.0 / 6), stats.StandardDeviation);
        Assert.Equal(1, stats.Min);
        Assert.Equal(10, stats.Max);
    }

    [Fact]
    public void From_SingleValue_HasZeroDeviation()
    {
        var stats = RunStatistics.From([0.25]);

        Assert.Equal(0.25, stats.P99);
        Assert.Equal(0, stats.StandardDeviation);
    }

    [Fact]
    public void From_Empty_IsNaNNotAnException()
    {
        Assert.True(double.IsNaN(RunStatistics.From([]).Mean));
    }
}
