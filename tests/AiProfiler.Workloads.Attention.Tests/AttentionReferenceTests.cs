namespace AiProfiler.Workloads.Attention.Tests;

public sealed class AttentionReferenceTests
{
    [Fact]
    public void Row_SingleKey_ReturnsItsValue()
    {
        var output = AttentionReference.Row([1f, 2f], [3f, -1f], [0.25f, -0.5f], headDim: 2, lastKey: 0, scale: 1);

        Assert.Equal([0.25, -0.5], output);
    }

    [Fact]
    public void Row_TwoKeys_WeighsValuesBySoftmaxOfScaledScores()
    {
        var output = AttentionReference.Row([1f], [0f, 2f], [10f, 20f], headDim: 1, lastKey: 1, scale: 0.5);
        var p1 = Math.Exp(1) / (1 + Math.Exp(1));

        FloatAssert.Relative((10 * (1 - p1)) + (20 * p1), output[0], 16);
    }

    [Fact]
    public void Row_LastKey_IgnoresLaterKeys()
    {
        var output = AttentionReference.Row([1f], [0f, 5f], [7f, 100f], headDim: 1, lastKey: 0, scale: 1);

        Assert.Equal(7.0, output[0]);
    }

    [Fact]
    public void Sample_FewRows_ReturnsAll()
    {
        Assert.Equal([0, 1, 2, 3], AttentionReference.Sample(4, 5));
    }

    [Fact]
    public void Sample_ManyRows_KeepsFirstThreeAndLastWithinLimit()
    {
        var sample = AttentionReference.Sample(1000, 32);

        Assert.Equal(32, sample.Count);
        Assert.Equal([0, 1, 2], sample.Take(3));
        Assert.Equal(999, sample[^1]);
        Assert.Equal(sample.Order(), sample);
    }

    [Fact]
    public void Sample_JustOverLimit_ReturnsLimitDistinctRows()
    {
        Assert.Equal([0, 1, 2, 3, 5], AttentionReference.Sample(6, 5));
    }
}
