using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

/// <summary>RAPL zone directories are named intel-rapl:N, which Windows cannot check out, so these trees are built per test.</summary>
public sealed class RaplSamplerTests
{
    [Fact]
    public void Collect_ZoneWraps_CounterKeepsRising()
    {
        using var temp = new TemporaryDirectory();
        temp.Write("class/powercap/intel-rapl:0/name", "package-0\n");
        temp.Write("class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n");
        var energy = temp.Write("class/powercap/intel-rapl:0/energy_uj", "262142328850\n");
        temp.Write("class/powercap/intel-rapl:0:0/name", "core\n");
        temp.Write("class/powercap/intel-rapl:0:0/max_energy_range_uj", "262143328850\n");
        temp.Write("class/powercap/intel-rapl:0:0/energy_uj", "1000000\n");
        using var sampler = new RaplSampler(temp.Path);
        Assert.Null(sampler.Start());

        var before = new RecordingWriter();
        sampler.Collect(before);
        File.WriteAllText(energy, "4000000\n");
        var after = new RecordingWriter();
        sampler.Collect(after);

        var first = before.Value("host_rapl_energy", ("zone", "intel-rapl:0"), ("name", "package-0"));
        var second = after.Value("host_rapl_energy", ("zone", "intel-rapl:0"), ("name", "package-0"));
        FloatAssert.Relative(5.0, second - first);
        Assert.Equal(1.0, after.Value("host_rapl_energy", ("zone", "intel-rapl:0:0"), ("name", "core")), 9);
        Assert.All(after.Points, p => Assert.True(p.IsCounter && p.Unit == "J"));
    }

    [Fact]
    public void Start_NoPowercap_ReturnsReason()
    {
        using var temp = new TemporaryDirectory();
        using var sampler = new RaplSampler(temp.Path);

        Assert.Equal($"{Path.Combine(temp.Path, "class", "powercap")} not found (no RAPL powercap driver)", sampler.Start());
    }
}
