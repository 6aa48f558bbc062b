using AiProfiler.Core.Advice;

namespace AiProfiler.Core.Tests.Advice;

public sealed class ServiceLevelObjectivesTests
{
    [Theory]
    [InlineData("mlperf-server", 2.0, 0.1)]
    [InlineData("mlperf-interactive", 0.5, 0.03)]
    [InlineData("ttft=2s,tpot=100ms", 2.0, 0.1)]
    [InlineData("tpot=250us, ttft=1.5s", 1.5, 0.00025)]
    public void Parse_PresetOrPair_GivesTheLimitsInSeconds(string text, double ttft, double tpot)
    {
        var slo = ServiceLevelObjectives.Parse(text, out var error);

        Assert.Equal("", error);
        Assert.NotNull(slo);
        Assert.True(Math.Abs(slo.TtftSeconds - ttft) <= 1e-12 * ttft, $"ttft {slo.TtftSeconds}");
        Assert.True(Math.Abs(slo.TpotSeconds - tpot) <= 1e-12 * tpot, $"tpot {slo.TpotSeconds}");
    }

    [Theory]
    [InlineData("ttft=2", "--slo 'ttft=2' does not parse at 'ttft=2'; use mlperf-server, mlperf-interactive or ttft=2s,tpot=100ms")]
    [InlineData("ttft=2s", "--slo 'ttft=2s' needs both ttft and tpot; e.g. ttft=2s,tpot=100ms")]
    [InlineData("fast", "--slo 'fast' does not parse at 'fast'; use mlperf-server, mlperf-interactive or ttft=2s,tpot=100ms")]
    [InlineData("ttft=-1s,tpot=1ms", "--slo 'ttft=-1s,tpot=1ms' does not parse at 'ttft=-1s'; use mlperf-server, mlperf-interactive or ttft=2s,tpot=100ms")]
    public void Parse_BadText_IsNullWithOneLine(string text, string expected)
    {
        Assert.Null(ServiceLevelObjectives.Parse(text, out var error));
        Assert.Equal(expected, error);
    }
}
