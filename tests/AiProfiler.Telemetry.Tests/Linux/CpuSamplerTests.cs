using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class CpuSamplerTests
{
    [Fact]
    public void Collect_FixtureProcStat_WritesSecondsPerCpuAndMode()
    {
        using var sampler = new CpuSampler(Fixtures.ProcRoot);
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(16, writer.Points.Count);
        Assert.All(writer.Points, p => Assert.True(p.IsCounter && p.Name == "host_cpu" && p.Unit == "s"));
        Assert.Equal(1250, writer.Value("host_cpu", ("cpu", "0"), ("mode", "user")));
        Assert.Equal(20000, writer.Value("host_cpu", ("cpu", "1"), ("mode", "idle")));
        Assert.Equal(1, writer.Value("host_cpu", ("cpu", "1"), ("mode", "steal")));
    }

    [Fact]
    public void Collect_RealProc_WritesEveryCpuOfThisMachine()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads the real /proc/stat, which only Linux has");

        using var sampler = new CpuSampler("/proc");
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        var cpus = writer.Points.Select(p => p.Labels["cpu"]).Distinct().Count();
        Assert.Equal(Environment.ProcessorCount, cpus);
        Assert.True(writer.Named("host_cpu").Where(p => p.Labels["mode"] == "idle").Sum(p => p.Value) > 0);
    }

    [Fact]
    public void Start_RootWithoutStat_ReturnsReasonNamingThePath()
    {
        using var sampler = new CpuSampler(Fixtures.SysRoot);

        Assert.Equal($"{Path.Combine(Fixtures.SysRoot, "stat")} not found (not Linux, or Samplers:ProcRoot points elsewhere)", sampler.Start());
    }
}
