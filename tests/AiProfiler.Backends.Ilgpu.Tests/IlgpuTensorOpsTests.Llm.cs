using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Testing;
using static AiProfiler.Backends.Ilgpu.Tests.HostData;

namespace AiProfiler.Backends.Ilgpu.Tests;

// The LLM operations on ILGPU: attention with a key cache and grouped heads, rotary embedding and weight-matrix products.
public sealed partial class IlgpuTensorOpsTests
{
    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(true, 3)]
    public void Attention_WithKeyCacheAndCausalMask_MatchesCpu(bool causal, int extraKeys)
    {
        var a = new AttentionDescriptor
        {
            Batch = 2, Heads = 2, QueryLength = 9, KeyLength = 9 + extraKeys, KeyCapacity = 16, HeadDim = 20, Causal = causal,
        };
        var q = Random(4 * a.QueryLength * a.HeadDim, 29, 2f);
        var k = Random(4 * a.KeyCapacity * a.HeadDim, 30, 2f);
        var v = Random(4 * a.KeyCapacity * a.HeadDim, 31);
        var (expected, actual) = Both(d =>
        {
            using var qb = Upload(d, q);
            using var kb = Upload(d, k);
            using var vb = Upload(d, v);
            using var o = d.Allocate(q.Length);
            d.Ops.Attention(a, qb, kb, vb, o);
            return Download(d, o);
        });

        AssertClose(expected, actual, a.KeyLength * a.HeadDim, magnitude: 4);
    }

    [Fact]
    public void Attention_GroupedQueryHeads_MatchesCpu()
    {
        // Six query heads share two key heads: heads 0-2 read key head 0, heads 3-5 key head 1.
        var a = new AttentionDescriptor
        {
            Batch = 2, Heads = 6, KeyHeads = 2, QueryLength = 3, KeyLength = 11, KeyCapacity = 13, HeadDim = 16, Causal = true,
        };
        var q = Random(a.Batch * a.Heads * a.QueryLength * a.HeadDim, 40, 2f);
        var k = Random(a.Batch * a.KeyHeads * a.KeyCapacity * a.HeadDim, 41, 2f);
        var v = Random(k.Length, 42);
        var (expected, actual) = Both(d =>
        {
            using var qb = Upload(d, q);
            using var kb = Upload(d, k);
            using var vb = Upload(d, v);
            using var o = d.Allocate(q.Length);
            d.Ops.Attention(a, qb, kb, vb, o);
            return Download(d, o);
        });

        AssertClose(expected, actual, a.KeyLength * a.HeadDim, magnitude: 4);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rotary_BothPairings_MatchesCpu(bool interleaved)
    {
        const int rows = 5, heads = 3, headDim = 8;
        var x = Random(rows * heads * headDim, 43);
        int[] positions = [0, 1, 7, 300, 4095];
        var frequencies = Enumerable.Range(0, headDim / 2).Select(i => MathF.Pow(10000f, -2f * i / headDim)).ToArray();
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var pb = Upload(d, positions);
            using var fb = Upload(d, frequencies);
            d.Ops.Rotary(xb, pb, fb, rows, heads, headDim, interleaved);
            return Download(d, xb);
        });

        // Both form the same fp32 angle; sin, cos, two products and a sum each round once, and the backends' sin/cos
        // may differ in the last place.
        AssertClose(expected, actual, 4);
    }

    [Fact]
    public void Rotary_FarPositions_RotateLikeAFloat64Reference()
    {
        // Far positions are where an approximate sin/cos drifts (PTX's sin.approx was 1.3e-4 rad off at 1000 rad).
        const int rows = 4, heads = 1, headDim = 4;
        var x = Random(rows * heads * headDim, 47);
        int[] positions = [4001, 32767, 65521, 100003];
        float[] frequencies = [1f, 0.37f];
        using var xb = Upload(_ilgpu, x);
        using var pb = Upload(_ilgpu, positions);
        using var fb = Upload(_ilgpu, frequencies);
        _ilgpu.Ops.Rotary(xb, pb, fb, rows, heads, headDim, interleaved: false);
        var y = Download(_ilgpu, xb);

        for (var r = 0; r < rows; r++)
        {
            for (var p = 0; p < headDim / 2; p++)
            {
                var (a, b) = ((r * headDim) + p, (r * headDim) + p + (headDim / 2));
                var angle = (double)(positions[r] * frequencies[p]);
                var expectedA = (x[a] * Math.Cos(angle)) - (x[b] * Math.Sin(angle));
                var expectedB = (x[a] * Math.Sin(angle)) + (x[b] * Math.Cos(angle));
                // cos and sin round once each, then two products and a sum: a few fp32 units of |x0| + |x1|.
                var tolerance = 4 * Math.ScaleB(1, -24) * (Math.Abs(x[a]) + Math.Abs(x[b]));
                Assert.True(Math.Abs(y[a] - expectedA) <= tolerance && Math.Abs(y[b] - expectedB) <= tolerance,
                    $"position {positions[r]} pair {p}: ({y[a]}, {y[b]}) vs ({expectedA}, {expectedB}), tolerance {tolerance}");
            }
        }
    }

    [Fact]
    public void LinearWeights_Fp32Weights_MatchesCpu()
    {
        const int rows = 3, outputs = 17, inputs = 40;
        var x = Random(rows * inputs, 44);
        var w = Random(outputs * inputs, 45);
        var y = Random(rows * outputs, 46);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var wb = Upload(d, w);
            using var yb = Upload(d, y);
            d.Ops.LinearWeights(xb, wb, yb, rows, outputs, inputs, 0.5f);
            return Download(d, yb);
        });

        AssertClose(expected, actual, inputs);
    }

    [Fact]
    public void LinearWeights_QuantizedWeights_RefusedInOneLineNamingTheOperationTypeAndDevice()
    {
        using var x = _ilgpu.Allocate(256);
        using var w = _ilgpu.Allocate(DataType.Q4_K.StorageLength(256), DataType.Q4_K);
        using var y = _ilgpu.Allocate(1);

        var error = Assert.Throws<NotSupportedException>(() => _ilgpu.Ops.LinearWeights(x, w, y, 1, 1, 256, 0f));

        Assert.False(_ilgpu.Ops.SupportsWeights(DataType.Q4_K));
        Assert.True(_ilgpu.Ops.SupportsWeights(DataType.Float32));
        Assert.StartsWith("operation 'LinearWeights' with weight type Q4_K is not supported on device 'ilgpu-cpu'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.BFloat16)]
    [InlineData(DataType.Q8_0)]
    [InlineData(DataType.Q4_0)]
    [InlineData(DataType.Q4_K)]
    [InlineData(DataType.Q6_K)]
    public void WeightOps_NonFp32Weights_RefusedInOneLineNamingTheWayOut(DataType type)
    {
        using var x = _ilgpu.Allocate(256);
        using var w = _ilgpu.Allocate(type.StorageLength(256), type);
        using var y = _ilgpu.Allocate(256);
        using var ids = Upload(_ilgpu, new[] { 0 });

        var linear = Assert.Throws<NotSupportedException>(() => _ilgpu.Ops.LinearWeights(x, w, y, 1, 1, 256, 0f));
        var gather = Assert.Throws<NotSupportedException>(() => _ilgpu.Ops.EmbeddingGather(w, ids, y, 1, 256));

        Assert.False(_ilgpu.Ops.SupportsWeights(type));
        Assert.Equal($"operation 'LinearWeights' with weight type {type} is not supported on device 'ilgpu-cpu'; use fp32 weights or another device", linear.Message);
        Assert.Equal($"operation 'EmbeddingGather' with weight type {type} is not supported on device 'ilgpu-cpu'; use fp32 weights or another device", gather.Message);
    }
}
