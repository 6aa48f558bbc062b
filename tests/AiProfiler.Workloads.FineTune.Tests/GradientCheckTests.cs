using Xunit;

namespace AiProfiler.Workloads.FineTune.Tests;

public sealed class GradientCheckTests
{
    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void Run_CorrectBackward_AgreesWithFiniteDifferences(string mode)
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);

        var result = GradientCheck.Run(device, FineTuneModes.Parse(mode));

        Assert.True(result.Passed, result.Detail);
        Assert.InRange(result.MaxError, 0, GradientCheck.Tolerance);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void Run_WrongActivationGradient_Fails(string mode)
    {
        using var device = MisderivedGeluDevice.Create(TestDevices.Cpu(peakFlopsPerSecond: 1e11));

        var result = GradientCheck.Run(device, FineTuneModes.Parse(mode));

        Assert.False(result.Passed, result.Detail);
        Assert.True(result.MaxError > 10 * GradientCheck.Tolerance, result.Detail);
    }

    [Fact]
    public void Run_Lora_ChecksOnlyAdapters()
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);

        var result = GradientCheck.Run(device, FineTuneMode.Lora);

        // Two blocks with adapters on six linear layers each: 24 trainable tensors, nothing else.
        Assert.Contains("of 24 tensors", result.Detail, StringComparison.Ordinal);
    }
}
