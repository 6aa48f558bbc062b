using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class ProcessStatusParserTests
{
    [Fact]
    public void Parse_StatusFile_ReturnsResidentBytesAndThreads()
    {
        const string text = "Name:\tdotnet\nVmRSS:\t  123456 kB\nRssAnon:\t  100 kB\nThreads:\t17\n";

        Assert.Equal(new ProcessStatus(123456d * 1024, 17), ProcessStatusParser.Parse(text));
    }

    [Fact]
    public void Parse_KernelThreadWithoutVmRss_Throws()
    {
        Assert.Throws<FormatException>(() => ProcessStatusParser.Parse("Name:\tkthreadd\nThreads:\t1\n"));
    }
}
