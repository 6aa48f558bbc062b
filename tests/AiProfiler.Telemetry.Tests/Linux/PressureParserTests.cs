using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class PressureParserTests
{
    [Fact]
    public void Parse_SomeAndFullLines_ReturnsTotalsInSeconds()
    {
        const string text = """
            some avg10=0.00 avg60=0.21 avg300=0.89 total=10726935
            full avg10=0.00 avg60=0.00 avg300=0.00 total=0
            """;

        var stalls = PressureParser.Parse(text);

        Assert.Equal([new PressureStall("some", 10.726935), new PressureStall("full", 0)], stalls);
    }

    [Fact]
    public void Parse_IrqFileWithOnlyFull_ReturnsOneLine()
    {
        Assert.Equal([new PressureStall("full", 1.5)], PressureParser.Parse("full avg10=0.00 avg60=0.00 avg300=0.00 total=1500000\n"));
    }
}
