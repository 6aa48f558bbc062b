using Xunit;

namespace AiProfiler.Workloads.FineTune.Tests;

public sealed class LossDescentCheckTests
{
    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void Run_FiftySteps_LossFallsBelowHalf(string mode)
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);

        var result = LossDescentCheck.Run(device, FineTuneModes.Parse(mode));

        Assert.True(result.Passed, result.Detail);
        Assert.InRange(result.MaxError, 0, LossDescentCheck.RequiredRatio);
    }
}
