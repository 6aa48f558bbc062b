using AiProfiler.Telemetry.Linux;

namespace AiProfiler.Telemetry.Tests.Linux;

public sealed class ProcStatParserTests
{
    [Fact]
    public void Parse_PerCpuLines_ReturnsTicksPerModeAndSkipsTheAggregate()
    {
        const string text = """
            cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0
            cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0
            cpu11 1335329 42347 517839 11443896 7048 0 5324 7 62893 0
            intr 1462898
            ctxt 1990473
            """;

        var cpus = ProcStatParser.Parse(text);

        Assert.Equal(["0", "11"], cpus.Select(c => c.Cpu));
        Assert.Equal([1393280ul, 32966, 572056, 13343292, 6130, 0, 17875, 0], cpus[0].Ticks);
        Assert.Equal(7ul, cpus[1].Ticks[Array.IndexOf(ProcStatParser.Modes, "steal")]);
    }

    [Fact]
    public void Parse_OldKernelWithoutStealColumn_ReadsMissingModesAsZero()
    {
        var cpus = ProcStatParser.Parse("cpu0 100 2 30 400 5 6 7\n");

        Assert.Equal([100ul, 2, 30, 400, 5, 6, 7, 0], Assert.Single(cpus).Ticks);
    }

    [Fact]
    public void Modes_LeaveOutGuestTimeAlreadyCountedInUser()
    {
        Assert.Equal(["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"], ProcStatParser.Modes);
    }
}
