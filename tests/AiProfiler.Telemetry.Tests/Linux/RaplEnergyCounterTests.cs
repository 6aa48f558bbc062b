using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class RaplEnergyCounterTests
{
    [Fact]
    public void Update_Increasing_AddsTheDifference()
    {
        var counter = new RaplEnergyCounter();

        counter.Update(5_000_000, 262_143_328_850);
        var joules = counter.Update(7_500_000, 262_143_328_850);

        FloatAssert.Relative(7.5, joules);
    }

    [Fact]
    public void Update_RawValueWrapsPastTheRange_KeepsCounting()
    {
        const ulong range = 262_143_328_850;
        var counter = new RaplEnergyCounter();

        counter.Update(range - 1_000_000, range);
        var joules = counter.Update(2_000_000, range);

        FloatAssert.Relative((range - 1_000_000 + 3_000_000) / 1e6, joules);
    }
}
