using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class CpufreqSamplerTests
{
    [Fact]
    public void Collect_FixtureCpufreq_WritesHertzPerCpuAndIgnoresOtherDirectories()
    {
        using var sampler = new CpufreqSampler(Fixtures.SysRoot);
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(2.4e9, writer.Value("host_cpu_frequency", ("cpu", "0")));
        Assert.Equal(1.8e9, writer.Value("host_cpu_frequency", ("cpu", "1")));
        Assert.Equal(3.6e9, writer.Value("host_cpu_frequency_max", ("cpu", "1")));
        Assert.Equal(4, writer.Points.Count);
    }

    [Fact]
    public void Start_NoCpufreqDriver_ReturnsReason()
    {
        using var temp = new TemporaryDirectory();
        temp.Write("devices/system/cpu/cpu0/online", "1\n");
        using var sampler = new CpufreqSampler(temp.Path);

        Assert.Equal($"no cpufreq directory under {Path.Combine(temp.Path, "devices", "system", "cpu")} (no frequency driver, as in most VMs)", sampler.Start());
    }
}
