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
}
