using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

/// <summary>
/// The weight-type operations (<see cref="ITensorOps.LinearWeights"/>, quantized <see cref="ITensorOps.EmbeddingGather"/>,
/// <see cref="ITensorOps.Rotary"/>, grouped-query <see cref="ITensorOps.Attention"/>) on <c>cpu</c> and <c>opencl:0</c>
/// (PoCL) against float64 references computed from <see cref="QuantizedBlocks.Dequantize"/>'s values.
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed class WeightOpsTests
{
    private readonly DeviceFixture _fixture;

    public WeightOpsTests(DeviceFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, DataType, int, int> LinearCases()
    {
        var cases = new TheoryData<string, DataType, int, int>();
        foreach (var device in new[] { "cpu", "opencl" })
        {
            foreach (var type in new[] { DataType.Float32, DataType.Float16, DataType.BFloat16, DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K })
            {
                // One row takes the streaming dot products, twelve the tiled GEMM on the CPU.
                cases.Add(device, type, 1, 512);
                cases.Add(device, type, 12, 512);
            }

            foreach (var type in new[] { DataType.Float32, DataType.Float16, DataType.BFloat16 })
            {
                // Rows of whole units of 8 values and a tail of 5 taken value by value; a row shorter than one unit.
                cases.Add(device, type, 1, 517);
                cases.Add(device, type, 3, 5);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void LinearWeights_EachType_EqualsTheDequantizedProductWithinRounding(string deviceName, DataType type, int rows, int inputs)
    {
        const int outputs = 70;
        var device = Device(deviceName);
        var values = Approx.Random(3, (long)outputs * inputs, 0.5f);
        var stored = QuantizedBlocks.Quantize(type, values);
        var decoded = new float[values.Length];
        QuantizedBlocks.Dequantize(type, stored, decoded);
        var x = Approx.Random(4, (long)rows * inputs);
        var previous = Approx.Random(5, (long)rows * outputs);

        using var w = Upload(device, type, stored);
        using var bx = device.Allocate(x.Length);
        using var by = device.Allocate(previous.Length);
        device.Write<float>(bx, x);
        device.Write<float>(by, previous);
        device.Ops.LinearWeights(bx, w, by, rows, outputs, inputs, 0.5f);
        var y = new float[previous.Length];
        device.Read<float>(by, y);

        // The CPU multiplies every block-quantized weight (Q8_0, Q4_0, Q4_K, Q6_K) with x quantized to int8 per block
        // of 32 (per super-block of 256 for the k-quants; d = max|x|/127, as llama.cpp does), in decode and prefill (an
        // int8 GEMM) alike, which moves each x by up to d/2 (plus the rounding of 1/d): that term joins fp32 rounding.
        var int8 = device.Ops.LinearInputType(type) == DataType.Q8_0;
        var group = type.BlockValues() == 256 ? 256 : 32;
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < outputs; n++)
            {
                double exact = 0.5 * previous[(r * outputs) + n], magnitude = Math.Abs(exact), quantization = 0;
                for (var k = 0; k < inputs; k++)
                {
                    var product = (double)x[(r * inputs) + k] * decoded[(n * inputs) + k];
                    exact += product;
                    magnitude += Math.Abs(product);
                    if (int8)
                    {
                        var step = x.AsSpan((r * inputs) + (k / group * group), group).ToArray().Max(MathF.Abs) / 127f;
                        quantization += step * (0.5 + Math.Pow(2, -15)) * Math.Abs(decoded[(n * inputs) + k]);
                        magnitude += step * Math.Abs(decoded[(n * inputs) + k]);
                    }
                }

                var bound = (4.0 * inputs * Math.Pow(2, -24) * magnitude) + quantization;
                Assert.True(Math.Abs(y[(r * outputs) + n] - exact) <= bound, $"{type.ShortName()} row {r} output {n}: {y[(r * outputs) + n]} vs {exact} (bound {bound:e2})");
            }
        }
    }

    [Theory]
    [InlineData("cpu", DataType.Q4_K)]
    [InlineData("cpu", DataType.Q8_0)]
    [InlineData("opencl", DataType.Q6_K)]
    [InlineData("opencl", DataType.Q4_0)]
    public void EmbeddingGather_QuantizedTable_GivesTheDequantizedRowsAndZerosOutside(string deviceName, DataType type)
    {
        const int rows = 5, dim = 256;
        var device = Device(deviceName);
        var stored = QuantizedBlocks.Quantize(type, Approx.Random(6, rows * dim));
        var decoded = new float[rows * dim];
        QuantizedBlocks.Dequantize(type, stored, decoded);
        int[] ids = [3, 0, 7, 4];

        using var table = Upload(device, type, stored);
        using var bids = device.Allocate(ids.Length, DataType.Int32);
        using var by = device.Allocate(ids.Length * dim);
        device.Write<int>(bids, ids);
        device.Ops.EmbeddingGather(table, bids, by, ids.Length, dim);
        var y = new float[ids.Length * dim];
        device.Read<float>(by, y);

        Assert.Equal(decoded.AsSpan(3 * dim, dim).ToArray(), y.AsSpan(0, dim).ToArray());
        Assert.Equal(decoded.AsSpan(0, dim).ToArray(), y.AsSpan(dim, dim).ToArray());
        Assert.All(y.AsSpan(2 * dim, dim).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(decoded.AsSpan(4 * dim, dim).ToArray(), y.AsSpan(3 * dim, dim).ToArray());
    }

    [Theory]
    [InlineData("cpu", true)]
    [InlineData("cpu", false)]
    [InlineData("opencl", true)]
    [InlineData("opencl", false)]
    public void Rotary_BothPairings_RotateLikeAFloat64Reference(string deviceName, bool interleaved)
    {
        const int rows = 3, heads = 2, headDim = 8;
        var device = Device(deviceName);
        var x = Approx.Random(7, rows * heads * headDim);
        int[] positions = [0, 5, 1000];
        float[] frequencies = [1f, 0.1f, 0.01f, 0.001f];

        using var bx = device.Allocate(x.Length);
        using var bp = device.Allocate(rows, DataType.Int32);
        using var bf = device.Allocate(frequencies.Length);
        device.Write<float>(bx, x);
        device.Write<int>(bp, positions);
        device.Write<float>(bf, frequencies);
        device.Ops.Rotary(bx, bp, bf, rows, heads, headDim, interleaved);
        var y = new float[x.Length];
        device.Read<float>(bx, y);

        for (var r = 0; r < rows; r++)
        {
            for (var h = 0; h < heads; h++)
            {
                var head = ((r * heads) + h) * headDim;
                for (var i = 0; i < headDim / 2; i++)
                {
                    var (a, b) = interleaved ? (head + (2 * i), head + (2 * i) + 1) : (head + i, head + i + (headDim / 2));
                    var angle = (double)(float)(positions[r] * frequencies[i]);
                    var expectedA = (x[a] * Math.Cos(angle)) - (x[b] * Math.Sin(angle));
                    var expectedB = (x[a] * Math.Sin(angle)) + (x[b] * Math.Cos(angle));
                    // The angle itself is one fp32 product (up to 1000 rad: half an ulp is 3e-5), then cos/sin in fp32.
                    Assert.True(Math.Abs(y[a] - expectedA) < 1e-4 && Math.Abs(y[b] - expectedB) < 1e-4, $"row {r} head {h} pair {i}: ({y[a]}, {y[b]}) vs ({expectedA}, {expectedB})");
                }
            }
        }
    }

    [Theory]
    [InlineData("cpu", 1)]
    [InlineData("cpu", 5)]
    [InlineData("opencl", 1)]
    [InlineData("opencl", 5)]
    public void Attention_GroupedQueryHeads_ReadTheirSharedKeyHead(string deviceName, int queries)
    {
        const int batch = 2, heads = 4, keyHeads = 2, keys = 9, capacity = 12, d = 16;
        var device = Device(deviceName);
        var q = Approx.Random(8, batch * heads * queries * d);
        var k = Approx.Random(9, batch * keyHeads * capacity * d);
        var v = Approx.Random(10, batch * keyHeads * capacity * d);
        var a = new AttentionDescriptor { Batch = batch, Heads = heads, KeyHeads = keyHeads, QueryLength = queries, KeyLength = keys, KeyCapacity = capacity, HeadDim = d, Causal = true };

        using var bq = device.Allocate(q.Length);
        using var bk = device.Allocate(k.Length);
        using var bv = device.Allocate(v.Length);
        using var bo = device.Allocate(q.Length);
        device.Write<float>(bq, q);
        device.Write<float>(bk, k);
        device.Write<float>(bv, v);
        device.Ops.Attention(a, bq, bk, bv, bo);
        var o = new float[q.Length];
        device.Read<float>(bo, o);

        for (var bh = 0; bh < batch * heads; bh++)
        {
            var kvHead = ((bh / heads) * keyHeads) + ((bh % heads) / (heads / keyHeads));
            for (var i = 0; i < queries; i++)
            {
                var visible = keys - queries + i + 1;
                var scores = new double[visible];
                for (var j = 0; j < visible; j++)
                {
                    for (var e = 0; e < d; e++)
                    {
                        scores[j] += (double)q[(((bh * queries) + i) * d) + e] * k[(((kvHead * capacity) + j) * d) + e] / Math.Sqrt(d);
                    }
                }

                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var total = weights.Sum();
                for (var e = 0; e < d; e++)
                {
                    var expected = 0.0;
                    for (var j = 0; j < visible; j++)
                    {
                        expected += weights[j] / total * v[(((kvHead * capacity) + j) * d) + e];
                    }

                    Assert.True(Math.Abs(o[(((bh * queries) + i) * d) + e] - expected) < 1e-5, $"head {bh} query {i} dim {e}: {o[(((bh * queries) + i) * d) + e]} vs {expected}");
                }
            }
        }
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("opencl")]
    public void WeightOps_BadArguments_FailWithTheSameLineOnEveryBackend(string deviceName)
    {
        var device = Device(deviceName);
        using var x = device.Allocate(64);
        using var q4 = device.Allocate(DataType.Q4_0.StorageLength(64), DataType.Q4_0);
        using var ids = device.Allocate(4, DataType.Int32);
        using var y = device.Allocate(64);

        var partialBlock = Assert.Throws<ArgumentException>(() => device.Ops.LinearWeights(x, q4, y, 1, 1, 48, 0f));
        var shortWeights = Assert.Throws<ArgumentException>(() => device.Ops.LinearWeights(x, q4, y, 1, 3, 32, 0f));
        var oddHead = Assert.Throws<ArgumentException>(() => device.Ops.Rotary(x, ids, y, 1, 1, 7, interleaved: true));
        var intTable = Assert.Throws<NotSupportedException>(() => device.Ops.EmbeddingGather(ids, ids, y, 1, 4));
        var groups = Assert.Throws<ArgumentException>(() => device.Ops.Attention(
            new AttentionDescriptor { Batch = 1, Heads = 4, KeyHeads = 3, QueryLength = 1, KeyLength = 1, HeadDim = 4 }, x, x, x, y));

        Assert.StartsWith("rows of 48 values are not a whole number of q4_0 blocks of 32", partialBlock.Message, StringComparison.Ordinal);
        Assert.StartsWith("weights holds 36 elements but elements 0 to 54 were asked for", shortWeights.Message, StringComparison.Ordinal);
        Assert.StartsWith("rotary embedding rotates pairs, so the head size must be even, got 7", oddHead.Message, StringComparison.Ordinal);
        Assert.StartsWith($"operation 'EmbeddingGather' with weight type Int32 is not supported on device '{device.Info.Id}'", intTable.Message, StringComparison.Ordinal);
        Assert.StartsWith("attention KeyHeads 3 does not divide Heads 4", groups.Message, StringComparison.Ordinal);
    }

    private static IDeviceBuffer Upload(IDevice device, DataType type, byte[] stored)
    {
        var buffer = device.Allocate(stored.Length / type.SizeInBytes(), type);
        switch (type.SizeInBytes())
        {
            case 4:
                device.Write(buffer, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(stored).ToArray().AsSpan());
                break;
            case 2:
                device.Write(buffer, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(stored).ToArray().AsSpan());
                break;
            default:
                device.Write<byte>(buffer, stored);
                break;
        }

        return buffer;
    }

    private IDevice Device(string name) => name == "cpu" ? _fixture.Cpu : _fixture.OpenCl;
}
