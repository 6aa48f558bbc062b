using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class LoadavgSamplerTests
{
    [Fact]
    public void Collect_FixtureLoadavg_WritesThreeAverages()
    {
        using var sampler = new LoadavgSampler(Fixtures.ProcRoot);
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(1.25, writer.Value("host_load1"));
        Assert.Equal(0.75, writer.Value("host_load5"));
        Assert.Equal(0.5, writer.Value("host_load15"));
    }
}
