using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class LoadavgParserTests
{
    [Fact]
    public void Parse_KernelLine_ReturnsTheThreeAverages()
    {
        Assert.Equal(new LoadAverage(0.52, 0.58, 0.59), LoadavgParser.Parse("0.52 0.58 0.59 2/1234 12345\n"));
    }

    [Fact]
    public void Parse_TruncatedLine_ThrowsNamingTheProblem()
    {
        var error = Assert.Throws<FormatException>(() => LoadavgParser.Parse("0.52 0.58"));

        Assert.Equal("/proc/loadavg has 2 fields, expected at least 3: '0.52 0.58'", error.Message);
    }
}
