using AiProfiler.Abstractions.Workloads;
using Xunit;

namespace AiProfiler.Workloads.FineTune.Tests;

[Collection(TestDevices.SharedOpenClCollection)]
public sealed class PreparedFineTuneTests
{
    private readonly FineTuneWorkload _workload = new();

    [Theory]
    [InlineData("full", 5248)]
    [InlineData("lora", 1792)]
    public void Run_ThreeSteps_RecordsFallingLossTrainableParametersAndPeakMemory(string mode, double trainable)
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        var parameters = TinyParameters.Create("mode=" + mode);
        using var prepared = _workload.Prepare(device, parameters);
        var measurements = new Dictionary<string, List<double>>();

        for (var i = 0; i < 3; i++)
        {
            prepared.Run(new IterationContext(CancellationToken.None, measurements, isWarmup: false));
        }

        var loss = measurements["loss"];
        Assert.Equal(3, loss.Count);
        Assert.True(loss[2] < loss[0], $"loss {string.Join(", ", loss)}");
        Assert.All(measurements["trainable_parameters"], n => Assert.Equal(trainable, n));
        Assert.All(measurements["peak_memory_bytes"], b => Assert.Equal(_workload.EstimateMemoryBytes(parameters), b));
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void Verify_AfterSteps_PassesGradientAndTrainingChecks(string mode)
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        using var prepared = _workload.Prepare(device, TinyParameters.Create("mode=" + mode));
        prepared.Run(new IterationContext(CancellationToken.None, [], isWarmup: false));

        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.StartsWith(mode + " gradient check: max relative error ", result.Detail, StringComparison.Ordinal);
        Assert.Contains("; " + mode + " training: loss ", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void Verify_OnOpenClDevice_StepRunsAndPasses(string mode)
    {
        var device = TestDevices.OpenCl();
        using var prepared = _workload.Prepare(device, TinyParameters.Create("mode=" + mode));
        var measurements = new Dictionary<string, List<double>>();
        prepared.Run(new IterationContext(CancellationToken.None, measurements, isWarmup: false));

        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.True(double.IsFinite(measurements["loss"][0]), $"loss {measurements["loss"][0]}");
    }

    [Fact]
    public void Verify_WrongBackwardOnDevice_Fails()
    {
        using var device = MisderivedGeluDevice.Create(TestDevices.Cpu(peakFlopsPerSecond: 1e11));
        using var prepared = _workload.Prepare(device, TinyParameters.Create());

        var result = prepared.Verify();

        Assert.False(result.Passed, result.Detail);
    }

    [Fact]
    public void Dispose_AfterSteps_ReleasesEveryBuffer()
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        var prepared = _workload.Prepare(device, TinyParameters.Create("mode=lora"));
        prepared.Run(new IterationContext(CancellationToken.None, [], isWarmup: false));
        prepared.Verify();

        prepared.Dispose();

        Assert.Equal(0, device.AllocatedBytes);
    }
}
