namespace AiProfiler.Workloads.Inference.Tests;

public sealed class InferenceCostModelTests
{
    private static readonly InferenceSettings Small = new("small", ModelConfig.Small, 1, 128, 33, 1, "");

    [Fact]
    public void DecodeStepFlops_Gpt2Small_IsAboutTwoPerParameter()
    {
        var flops = InferenceCostModel.DecodeStepFlops(Small, 0);

        Assert.InRange(flops / (2.0 * ModelConfig.Small.ParameterCount), 0.98, 1.0);
    }

    [Fact]
    public void DecodeStepBytes_Gpt2Small_AreTheWeightsPlusTheCacheRead()
    {
        var bytes = InferenceCostModel.DecodeStepBytes(Small, 127);
        var cache = 2.0 * 12 * 128 * 768 * 4;
        var newRow = 2.0 * 12 * 768 * 4;

        Assert.Equal(InferenceCostModel.WeightBytes(ModelConfig.Small) + (768 * 4) + cache + newRow, bytes);
        Assert.InRange(InferenceCostModel.WeightBytes(ModelConfig.Small), 494e6, 496e6);
    }

    [Fact]
    public void IterationCost_BatchFour_CountsGeneratedTokensAndScalesDecodeFlops()
    {
        var batch = Small with { Batch = 4 };

        var single = InferenceCostModel.IterationCost(Small);
        var four = InferenceCostModel.IterationCost(batch);

        Assert.Equal(33, single.Items);
        Assert.Equal(4 * 33, four.Items);
        Assert.Equal("tokens", four.ItemUnit);
        Assert.Equal(4 * single.Flops, four.Flops, 1e-9 * four.Flops);
        Assert.True(four.Bytes < 2 * single.Bytes, "a batch shares one read of the weights per step");
    }
}
