namespace AiProfiler.Workloads.Attention.Tests;

public sealed class AttentionShapeTests
{
    [Fact]
    public void Cost_NonCausal_IsFourBhnnd()
    {
        var shape = new AttentionShape(2, 8, 1024, 64, false, AttentionVariant.Fused);

        Assert.Equal(4.0 * 2 * 8 * 1024 * 1024 * 64, shape.Cost.Flops);
        Assert.Equal(2.0 * 1024, shape.Cost.Items);
        Assert.Equal("tokens", shape.Cost.ItemUnit);
    }

    [Fact]
    public void Cost_Causal_HalvesTheFlops()
    {
        var full = new AttentionShape(1, 4, 512, 32, false, AttentionVariant.Naive);
        var causal = full with { Causal = true };

        Assert.Equal(full.Flops / 2, causal.Flops);
    }

    [Fact]
    public void Bytes_Fused_MovesQkvAndOnceWhileNaiveAddsFourScorePasses()
    {
        var fused = new AttentionShape(1, 8, 2048, 64, false, AttentionVariant.Fused);
        var naive = fused with { Variant = AttentionVariant.Naive };
        var tensor = 8.0 * 2048 * 64 * 4;
        var scores = 8.0 * 2048 * 2048 * 4;

        Assert.Equal(4 * tensor, fused.Bytes);
        Assert.Equal((4 * tensor) + (4 * scores), naive.Bytes);
        Assert.Equal((4 * tensor) + (4.5 * scores), (naive with { Causal = true }).Bytes);
    }
}
