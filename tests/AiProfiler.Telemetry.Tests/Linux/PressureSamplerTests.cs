using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class PressureSamplerTests
{
    [Fact]
    public void Collect_FixturePressure_WritesStallSecondsPerResourceAndKind()
    {
        using var sampler = new PressureSampler(Fixtures.ProcRoot);
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(6, writer.Points.Count);
        Assert.Equal(2.5, writer.Value("host_pressure_stalled", ("resource", "cpu"), ("kind", "some")));
        Assert.Equal(0.345678, writer.Value("host_pressure_stalled", ("resource", "memory"), ("kind", "full")), 9);
        Assert.Equal(21, writer.Value("host_pressure_stalled", ("resource", "io"), ("kind", "full")));
    }

    [Fact]
    public void Start_KernelWithoutPsi_ReturnsReason()
    {
        using var sampler = new PressureSampler(Fixtures.SysRoot);

        Assert.Equal($"{Path.Combine(Fixtures.SysRoot, "pressure")} not found (kernel without pressure stall information, or not Linux)", sampler.Start());
    }
}
