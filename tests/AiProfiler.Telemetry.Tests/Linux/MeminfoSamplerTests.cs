using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class MeminfoSamplerTests
{
    [Fact]
    public void Collect_FixtureMeminfo_WritesTheHostMemoryGaugesInBytes()
    {
        using var sampler = new MeminfoSampler(Fixtures.ProcRoot);
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(16384000d * 1024, writer.Value("host_memory_total"));
        Assert.Equal(8192000d * 1024, writer.Value("host_memory_available"));
        Assert.Equal(2048000d * 1024, writer.Value("host_memory_free"));
        Assert.Equal(512000d * 1024, writer.Value("host_memory_buffers"));
        Assert.Equal(4096000d * 1024, writer.Value("host_memory_cached"));
        Assert.Equal(2097148d * 1024, writer.Value("host_swap_total"));
        Assert.Equal(2097000d * 1024, writer.Value("host_swap_free"));
        Assert.All(writer.Points, p => Assert.Equal("By", p.Unit));
    }

    [Fact]
    public void Collect_RealProc_ReportsAvailableBelowTotal()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads the real /proc/meminfo, which only Linux has");

        using var sampler = new MeminfoSampler("/proc");
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.InRange(writer.Value("host_memory_available"), 1, writer.Value("host_memory_total"));
    }
}
