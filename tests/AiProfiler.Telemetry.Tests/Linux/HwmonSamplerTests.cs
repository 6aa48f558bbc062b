using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class HwmonSamplerTests
{
    [Fact]
    public void Collect_FixtureHwmon_WritesCelsiusPerChipAndSensor()
    {
        using var sampler = new HwmonSampler(Fixtures.SysRoot);
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(3, writer.Points.Count);
        Assert.Equal(54, writer.Value("host_hwmon_temperature", ("hwmon", "hwmon0"), ("chip", "coretemp"), ("sensor", "Package id 0")));
        Assert.Equal(51.5, writer.Value("host_hwmon_temperature", ("chip", "coretemp"), ("sensor", "temp2")));
        Assert.Equal(-5, writer.Value("host_hwmon_temperature", ("hwmon", "hwmon1"), ("chip", "nvme")));
        Assert.All(writer.Points, p => Assert.Equal("Cel", p.Unit));
    }

    [Fact]
    public void Collect_SensorStopsAnswering_SkipsItWithoutFailing()
    {
        using var temp = new TemporaryDirectory();
        temp.Write("class/hwmon/hwmon0/name", "acpitz\n");
        var input = temp.Write("class/hwmon/hwmon0/temp1_input", "40000\n");
        using var sampler = new HwmonSampler(temp.Path);
        Assert.Null(sampler.Start());
        File.Delete(input);
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Empty(writer.Points);
    }
}
