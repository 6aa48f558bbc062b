using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class MeminfoParserTests
{
    [Fact]
    public void Parse_KilobyteFields_ConvertsToBytesAndKeepsCountsAsTheyAre()
    {
        const string text = """
            MemTotal:       32768000 kB
            MemAvailable:   16000000 kB
            HugePages_Total:       4
            Hugepagesize:       2048 kB
            """;

        var fields = MeminfoParser.Parse(text);

        Assert.Equal(32768000d * 1024, fields["MemTotal"]);
        Assert.Equal(16000000d * 1024, fields["MemAvailable"]);
        Assert.Equal(4, fields["HugePages_Total"]);
        Assert.Equal(2048d * 1024, fields["Hugepagesize"]);
    }

    [Fact]
    public void Parse_MalformedLines_AreSkipped()
    {
        var fields = MeminfoParser.Parse("garbage\nMemFree: lots kB\nSwapFree: 10 kB\n");

        Assert.Equal(["SwapFree"], fields.Keys);
    }
}
