using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

/// <summary>
/// Every operation's portable kernel, run on OpenCL (PoCL in CI), against the CPU backend's result from the same
/// inputs. Shapes are small but cross the kernels' edges: rows wider than a work group, columns and rows that are not
/// multiples of the column groups, keys spanning several attention tiles.
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed partial class KernelTensorOpsTests
{
    private const float Tolerance = 2e-5f;
    private readonly DeviceFixture _fixture;

    public KernelTensorOpsTests(DeviceFixture fixture)
    {
        _fixture = fixture;
    }

    private ITensorOps Ops => _fixture.OpenCl.Ops;

    [Fact]
    public void Softmax_RowsWiderThanAGroupWithMaskedEntries_MatchesCpu()
    {
        const int rows = 3, cols = 300;
        var x = Approx.Random(1, rows * cols, 8f);
        x[5] = float.NegativeInfinity;
        Array.Fill(x, float.NegativeInfinity, 2 * cols, cols);
        AssertMatchesCpu(s => s.Add("x", x).Zeros("y", x.Length), (ops, s) => ops.Softmax(s["x"], s["y"], rows, cols), Tolerance, "y");
    }

    [Fact]
    public void Softmax_InPlace_MatchesCpu()
    {
        var x = Approx.Random(2, 2 * 10, 4f);
        AssertMatchesCpu(s => s.Add("x", x), (ops, s) => ops.Softmax(s["x"], s["x"], 2, 10), Tolerance, "x");
    }

    [Fact]
    public void SoftmaxBackward_MatchesCpu()
    {
        const int rows = 4, cols = 270;
        AssertMatchesCpu(
            s => s.Add("y", Approx.Random(3, rows * cols)).Add("dy", Approx.Random(4, rows * cols)).Zeros("dx", rows * cols),
            (ops, s) => ops.SoftmaxBackward(s["y"], s["dy"], s["dx"], rows, cols),
            Tolerance,
            "dx");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    public void CausalMask_Offset_MatchesCpu(int offset)
    {
        AssertMatchesCpu(s => s.Add("s", Approx.Random(5, 2 * 3 * 7)), (ops, s) => ops.CausalMask(s["s"], 2, 3, 7, offset), 0, "s");
    }

    [Fact]
    public void LayerNorm_RowsWithLargeMean_MatchesCpu()
    {
        const int rows = 5, cols = 300;
        var x = Array.ConvertAll(Approx.Random(6, rows * cols), v => v + 3f);
        AssertMatchesCpu(
            s => s.Add("x", x).Add("g", Approx.Random(7, cols)).Add("b", Approx.Random(8, cols))
                .Zeros("y", rows * cols).Zeros("mean", rows).Zeros("rstd", rows),
            (ops, s) => ops.LayerNorm(s["x"], s["g"], s["b"], s["y"], s["mean"], s["rstd"], rows, cols, 1e-5f),
            1e-4f,
            "y", "mean", "rstd");
    }

    [Fact]
    public void LayerNormBackward_ExistingGradients_AccumulatesAndMatchesCpu()
    {
        const int rows = 70, cols = 45;
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(9, rows * cols)).Add("g", Approx.Random(10, cols)).Add("b", Approx.Random(11, cols))
                .Zeros("y", rows * cols).Zeros("mean", rows).Zeros("rstd", rows).Add("dy", Approx.Random(12, rows * cols))
                .Zeros("dx", rows * cols).Add("dg", Approx.Random(13, cols)).Add("db", Approx.Random(14, cols)),
            (ops, s) =>
            {
                ops.LayerNorm(s["x"], s["g"], s["b"], s["y"], s["mean"], s["rstd"], rows, cols, 1e-5f);
                ops.LayerNormBackward(s["x"], s["g"], s["mean"], s["rstd"], s["dy"], s["dx"], s["dg"], s["db"], rows, cols);
            },
            1e-4f,
            "dx", "dg", "db");
    }

    [Fact]
    public void RmsNorm_MatchesCpu()
    {
        const int rows = 6, cols = 257;
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(15, rows * cols)).Add("g", Approx.Random(16, cols)).Zeros("y", rows * cols).Zeros("rstd", rows),
            (ops, s) => ops.RmsNorm(s["x"], s["g"], s["y"], s["rstd"], rows, cols, 1e-6f),
            1e-4f,
            "y", "rstd");
    }

    [Fact]
    public void RmsNormBackward_ExistingGradient_AccumulatesAndMatchesCpu()
    {
        const int rows = 33, cols = 70;
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(17, rows * cols)).Add("g", Approx.Random(18, cols)).Zeros("y", rows * cols).Zeros("rstd", rows)
                .Add("dy", Approx.Random(19, rows * cols)).Zeros("dx", rows * cols).Add("dg", Approx.Random(20, cols)),
            (ops, s) =>
            {
                ops.RmsNorm(s["x"], s["g"], s["y"], s["rstd"], rows, cols, 1e-6f);
                ops.RmsNormBackward(s["x"], s["g"], s["rstd"], s["dy"], s["dx"], s["dg"], rows, cols);
            },
            1e-4f,
            "dx", "dg");
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.Silu)]
    public void Activation_Kind_MatchesCpu(ActivationKind kind)
    {
        AssertMatchesCpu(s => s.Add("x", Approx.Random(21, 1000, 6f)).Zeros("y", 1000), (ops, s) => ops.Activation(kind, s["x"], s["y"], 1000), Tolerance, "y");
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.Silu)]
    public void ActivationBackward_Kind_MatchesCpu(ActivationKind kind)
    {
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(22, 1000, 6f)).Add("dy", Approx.Random(23, 1000)).Zeros("dx", 1000),
            (ops, s) => ops.ActivationBackward(kind, s["x"], s["dy"], s["dx"], 1000),
            Tolerance,
            "dx");
    }

    [Theory]
    [InlineData(ElementwiseOp.Add)]
    [InlineData(ElementwiseOp.Subtract)]
    [InlineData(ElementwiseOp.Multiply)]
    public void Elementwise_IntoFirstOperand_MatchesCpu(ElementwiseOp op)
    {
        AssertMatchesCpu(
            s => s.Add("a", Approx.Random(24, 777)).Add("b", Approx.Random(25, 777)),
            (ops, s) => ops.Elementwise(op, s["a"], s["b"], s["a"], 777),
            0,
            "a");
    }

    [Fact]
    public void Axpby_Accumulate_MatchesCpu()
    {
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(26, 500)).Add("y", Approx.Random(27, 500)),
            (ops, s) => ops.Axpby(0.5f, s["x"], -2f, s["y"], 500),
            Tolerance,
            "y");
    }

    [Fact]
    public void Axpby_BetaZeroOverNaN_IgnoresY()
    {
        var y = new float[10];
        Array.Fill(y, float.NaN);
        using var set = new TensorSet(_fixture.OpenCl).Add("x", Enumerable.Range(0, 10).Select(i => (float)i).ToArray()).Add("y", y);

        Ops.Axpby(3f, set["x"], 0f, set["y"], 10);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => 3f * i), set.Read("y"));
    }

    [Fact]
    public void AddBias_MatchesCpu()
    {
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(28, 7 * 33)).Add("bias", Approx.Random(29, 33)),
            (ops, s) => ops.AddBias(s["x"], s["bias"], 7, 33),
            0,
            "x");
    }

    [Fact]
    public void SumColumns_ExistingSums_AccumulatesAndMatchesCpu()
    {
        const int rows = 300, cols = 40;
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(30, rows * cols)).Add("y", Approx.Random(31, cols)),
            (ops, s) => ops.SumColumns(s["x"], s["y"], rows, cols),
            1e-4f,
            "y");
    }

    [Fact]
    public void Sum_ManyGroups_OverwritesResultAndMatchesCpu()
    {
        const int count = 100_000;
        AssertMatchesCpu(
            s => s.Add("x", Approx.Random(32, count)).Add("r", [123f]),
            (ops, s) => ops.Sum(s["x"], s["r"], count),
            1e-4f,
            "r");
    }

    [Fact]
    public void EmbeddingGather_OutOfRangeIds_GiveZerosAndMatchCpu()
    {
        int[] ids = [3, -1, 9, 10, 3];
        AssertMatchesCpu(
            s => s.Add("table", Approx.Random(33, 10 * 6)).Add("ids", ids).Add("y", Approx.Random(34, ids.Length * 6)),
            (ops, s) => ops.EmbeddingGather(s["table"], s["ids"], s["y"], ids.Length, 6),
            0,
            "y");
    }

    [Fact]
    public void EmbeddingBackward_RepeatedIds_AddUpAndMatchCpu()
    {
        int[] ids = [1, 1, 1, 4, -2, 20, 4];
        AssertMatchesCpu(
            s => s.Add("ids", ids).Add("dy", Approx.Random(35, ids.Length * 5)).Add("dtable", Approx.Random(36, 8 * 5)),
            (ops, s) => ops.EmbeddingBackward(s["ids"], s["dy"], s["dtable"], ids.Length, 5),
            Tolerance,
            "dtable");
    }

    [Fact]
    public void CrossEntropy_WithIgnoredTargets_MatchesCpu()
    {
        const int rows = 4, cols = 300;
        int[] targets = [5, -100, 299, 300];
        AssertMatchesCpu(
            s => s.Add("logits", Approx.Random(37, rows * cols, 5f)).Add("t", targets).Add("loss", Approx.Random(38, rows))
                .Add("d", Approx.Random(39, rows * cols)),
            (ops, s) => ops.CrossEntropy(s["logits"], s["t"], s["loss"], s["d"], rows, cols),
            1e-5f,
            "loss", "d");
    }

    [Fact]
    public void AdamW_TwoSteps_MatchesCpu()
    {
        const int count = 1000;
        AssertMatchesCpu(
            s => s.Add("p", Approx.Random(40, count)).Add("g", Approx.Random(41, count)).Zeros("m", count).Zeros("v", count),
            (ops, s) =>
            {
                ops.AdamW(s["p"], s["g"], s["m"], s["v"], count, new AdamWParameters(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, 1));
                ops.AdamW(s["p"], s["g"], s["m"], s["v"], count, new AdamWParameters(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, 2));
            },
            1e-5f,
            "p", "m", "v");
    }

    public static TheoryData<string> AttentionShapes()
    {
        var data = new TheoryData<string>();
        foreach (var name in AttentionCases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AttentionShapes))]
    public void Attention_Shape_MatchesCpu(string shape)
    {
        var a = AttentionCases[shape];
        var heads = a.Batch * a.Heads;
        var querySize = heads * a.QueryLength * a.HeadDim;
        var keySize = heads * a.EffectiveKeyCapacity * a.HeadDim;
        AssertMatchesCpu(
            s => s.Add("q", Approx.Random(42, querySize, 2f)).Add("k", Approx.Random(43, keySize, 2f)).Add("v", Approx.Random(44, keySize))
                .Add("o", Approx.Random(45, querySize)),
            (ops, s) => ops.Attention(a, s["q"], s["k"], s["v"], s["o"]),
            1e-4f,
            "o");
    }

    [Fact]
    public void Attention_HeadDimAboveTheKernelsLimit_ThrowsNamingTheLimit()
    {
        using var set = new TensorSet(_fixture.OpenCl).Zeros("x", 300);
        var a = new AttentionDescriptor { Batch = 1, Heads = 1, QueryLength = 1, KeyLength = 1, HeadDim = 300 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Attention(a, set["x"], set["x"], set["x"], set["x"]));

        Assert.Contains("1 to 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Softmax_OutputShorterThanTheShape_ThrowsNamingTheBuffer()
    {
        using var set = new TensorSet(_fixture.OpenCl).Zeros("x", 12).Zeros("y", 10);

        var error = Assert.Throws<ArgumentException>(() => Ops.Softmax(set["x"], set["y"], 3, 4));

        Assert.StartsWith("y holds 10 elements but the operation needs 12; allocate a larger buffer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemm_BufferTooShortForTheStride_ThrowsNamingTheMatrix()
    {
        using var set = new TensorSet(_fixture.OpenCl).Zeros("a", 16).Zeros("b", 16).Zeros("c", 16);
        var g = new GemmDescriptor { M = 4, N = 4, K = 4, BatchCount = 2, StrideA = 16 };

        var error = Assert.Throws<ArgumentException>(() => Ops.Gemm(g, set["a"], set["b"], set["c"]));

        Assert.StartsWith("A holds 16 elements but the GEMM reads up to element 32", error.Message, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, AttentionDescriptor> AttentionCases = new()
    {
        ["causal prefill over several key tiles"] = new() { Batch = 1, Heads = 2, QueryLength = 70, KeyLength = 70, HeadDim = 16, Causal = true },
        ["cross attention, head size 80, spare capacity"] = new() { Batch = 2, Heads = 1, QueryLength = 5, KeyLength = 130, KeyCapacity = 140, HeadDim = 80 },
        ["causal decode from a KV cache"] = new() { Batch = 2, Heads = 2, QueryLength = 1, KeyLength = 150, KeyCapacity = 160, HeadDim = 64, Causal = true },
        ["head size 256"] = new() { Batch = 1, Heads = 1, QueryLength = 3, KeyLength = 20, HeadDim = 256 },
        ["explicit query offset and scale"] = new() { Batch = 1, Heads = 1, QueryLength = 4, KeyLength = 10, HeadDim = 8, Causal = true, QueryOffset = 2, Scale = 0.3f },
        ["first rows see no key"] = new() { Batch = 1, Heads = 1, QueryLength = 4, KeyLength = 4, HeadDim = 8, Causal = true, QueryOffset = -2 },
    };

    private static float[] HalfEdgeCases() =>
    [
        0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, -65520f, 1e9f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
        6.1035156e-5f, 6.1035152e-5f, 5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f, 8.940697e-8f, 1e-10f, -3e-6f,
        1.0009766f, 1.00048828125f, 1.00146484375f, 2049f, 2051f, 4097f,
    ];

    /// <summary>The bf16 nearest to <paramref name="value"/> by exact distance, ties to the even pattern.</summary>
    private static ushort NearestBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsInfinity(value))
        {
            return (ushort)(bits >> 16);
        }

        var below = (ushort)(bits >> 16);
        var above = (ushort)(below + 1);
        var upper = BitConverter.Int32BitsToSingle(above << 16);
        // Past the largest bf16 the next step would be 2^128, where rounding turns into infinity.
        var upperValue = float.IsInfinity(upper) ? Math.CopySign(Math.Pow(2, 128), value) : upper;
        var distanceBelow = Math.Abs(value - (double)BitConverter.Int32BitsToSingle(below << 16));
        var distanceAbove = Math.Abs(value - upperValue);
        if (distanceBelow != distanceAbove)
        {
            return distanceBelow < distanceAbove ? below : above;
        }

        return (below & 1) == 0 ? below : above;
    }

    private void AssertMatchesCpu(Action<TensorSet> inputs, Action<ITensorOps, TensorSet> op, float tolerance, params string[] outputs)
    {
        using var cpu = new TensorSet(_fixture.Cpu);
        using var device = new TensorSet(_fixture.OpenCl);
        inputs(cpu);
        inputs(device);
        op(_fixture.Cpu.Ops, cpu);
        op(Ops, device);
        foreach (var name in outputs)
        {
            Approx.Equal(cpu.Read(name), device.Read(name), tolerance, name);
        }
    }
}
