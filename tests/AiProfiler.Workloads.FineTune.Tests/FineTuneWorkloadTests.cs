using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using Xunit;

namespace AiProfiler.Workloads.FineTune.Tests;

public sealed class FineTuneWorkloadTests
{
    private readonly FineTuneWorkload _workload = new();

    [Fact]
    public void Parameters_Defaults_DescribeARunnableStep()
    {
        var defaults = ParameterSet.Create(_workload.Name, _workload.Parameters);

        Assert.Equal("finetune", _workload.Name);
        Assert.Equal(
            "mode=full,layers=2,d_model=256,heads=4,hidden=1024,vocab=8192,batch=8,seq=128,rank=8,alpha=16,lr=0.001,seed=42",
            defaults.ToString());
        Assert.InRange(_workload.EstimateMemoryBytes(defaults), 100L << 20, 1L << 30);
    }

    [Fact]
    public void Prepare_HeadsNotDividingWidth_ThrowsNamingTheFix()
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);

        var error = Assert.Throws<ParameterException>(() => _workload.Prepare(device, TinyParameters.Create("heads=3")));

        Assert.Equal("parameter 'heads' of workload 'finetune' is 3, which does not divide d_model=16; choose a divisor of d_model", error.Message);
    }

    [Fact]
    public void EstimateMemoryBytes_LoraRankAboveWidth_ThrowsNamingTheFix()
    {
        var error = Assert.Throws<ParameterException>(() => _workload.EstimateMemoryBytes(TinyParameters.Create("mode=lora", "rank=17")));

        Assert.Equal("parameter 'rank' of workload 'finetune' is 17, larger than min(d_model, hidden)=16; choose a smaller rank", error.Message);
    }

    [Fact]
    public void EstimateMemoryBytes_FullModeIgnoresRank_Accepted()
    {
        Assert.True(_workload.EstimateMemoryBytes(TinyParameters.Create("mode=full", "rank=17")) > 0);
    }

    [Fact]
    public void EstimateMemoryBytes_TooManyAttentionRows_ThrowsNamingTheFix()
    {
        var parameters = TinyParameters.Create("d_model=256", "heads=256", "batch=1024", "seq=8192");

        var error = Assert.Throws<ParameterException>(() => _workload.EstimateMemoryBytes(parameters));

        Assert.Equal("batch·heads·seq = 2147483648 rows of attention scores exceed 2147483647 for workload 'finetune'; choose a smaller batch, heads or seq", error.Message);
    }

    [Fact]
    public void Prepare_ModelLargerThanDevice_RefusesBeforeAllocating()
    {
        using var device = TestDevices.Cpu(hostAvailableBytes: 1L << 30, peakFlopsPerSecond: 1e11);
        var parameters = TinyParameters.Create("layers=48", "d_model=4096", "heads=32", "hidden=16384", "vocab=50000", "batch=16", "seq=2048");
        var estimate = _workload.EstimateMemoryBytes(parameters);

        var error = Assert.Throws<InsufficientDeviceMemoryException>(() => _workload.Prepare(device, parameters));

        Assert.True(estimate > 100L << 30, $"estimate {estimate} bytes");
        Assert.Equal($"needs {InsufficientDeviceMemoryException.FormatBytes(estimate)} but device 'cpu' has 768 MiB free; choose smaller sizes or another device", error.Message);
        Assert.Equal(0, device.AllocatedBytes);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void EstimateMemoryBytes_TinyModel_EqualsWhatPrepareAllocates(string mode)
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        var parameters = TinyParameters.Create("mode=" + mode);

        using var prepared = _workload.Prepare(device, parameters);

        Assert.Equal(_workload.EstimateMemoryBytes(parameters), device.AllocatedBytes);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lora")]
    public void Prepare_TinyModel_CostIsTheDocumentedFormulaPerTokenStep(string mode)
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        var parameters = TinyParameters.Create("mode=" + mode);
        var config = FineTuneConfig.From(parameters);

        using var prepared = _workload.Prepare(device, parameters);

        Assert.Equal(config.Flops, prepared.Cost.Flops);
        Assert.Equal(config.Bytes, prepared.Cost.Bytes);
        Assert.Equal(16, prepared.Cost.Items);
        Assert.Equal("tokens", prepared.Cost.ItemUnit);
        Assert.Equal(config.Shape, prepared.Shape);
        Assert.Equal(device.Ops.GemmImplementation, prepared.Implementation);
    }
}
