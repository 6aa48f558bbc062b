using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

public sealed partial class CpuTensorOpsTests : IDisposable
{
    private static readonly CpuDeviceProvider Provider = new("simd");
    private static readonly CpuDeviceProvider OpenBlasProvider = new("openblas");
    private readonly CpuDevice _device = (CpuDevice)Provider.Open(0);

    private ITensorOps Ops => _device.Ops;

    public void Dispose() => _device.Dispose();

    [Fact]
    public void Softmax_Rows_MatchReferenceAndMaskedRowIsZero()
    {
        var x = Reference.Random(3 * 50, 1, 20);
        Array.Fill(x, float.NegativeInfinity, 100, 50);
        using var dx = Upload(x);
        using var dy = _device.Allocate(x.Length);

        Ops.Softmax(dx, dy, 3, 50);

        var y = Download(dy);
        for (var r = 0; r < 2; r++)
        {
            Reference.Close(Reference.Softmax(Reference.ToDouble(x[(r * 50)..((r + 1) * 50)])), y[(r * 50)..((r + 1) * 50)], 1e-5);
        }

        Assert.All(y[100..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SoftmaxBackward_MatchesFiniteDifferences()
    {
        const int cols = 9;
        var x = Reference.Random(cols, 2, 3);
        var w = Reference.Random(cols, 3);
        using var dx = Upload(x);
        using var y = _device.Allocate(cols);
        using var dyBuffer = Upload(w);
        using var grad = _device.Allocate(cols);

        Ops.Softmax(dx, y, 1, cols);
        Ops.SoftmaxBackward(y, dyBuffer, grad, 1, cols);

        Reference.Close(Reference.Gradient(Reference.ToDouble(x), v => Reference.Dot(Reference.Softmax(v), w)), Download(grad), 1e-4);
    }

    [Fact]
    public void CausalMask_HidesKeysAfterEachQueryPosition()
    {
        using var scores = Upload(new float[2 * 3 * 5]);

        Ops.CausalMask(scores, 2, 3, 5, 2);

        var s = Download(scores);
        for (var b = 0; b < 2; b++)
        {
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 5; j++)
                {
                    Assert.Equal(j > 2 + i, float.IsNegativeInfinity(s[(b * 15) + (i * 5) + j]));
                }
            }
        }
    }

    [Fact]
    public void LayerNorm_ForwardAndBackward_MatchReferenceAndFiniteDifferences()
    {
        const int rows = 2, cols = 16;
        var x = Reference.Random(rows * cols, 4, 2);
        var gamma = Reference.Random(cols, 5);
        var beta = Reference.Random(cols, 6);
        var w = Reference.Random(rows * cols, 7);
        using var dxIn = Upload(x);
        using var dg = Upload(gamma);
        using var db = Upload(beta);
        using var y = _device.Allocate(rows * cols);
        using var mean = _device.Allocate(rows);
        using var rstd = _device.Allocate(rows);
        using var dy = Upload(w);
        using var dx = _device.Allocate(rows * cols);
        using var dgamma = Upload(Enumerable.Repeat(1f, cols).ToArray());
        using var dbeta = _device.Allocate(cols);

        Ops.LayerNorm(dxIn, dg, db, y, mean, rstd, rows, cols, 1e-5f);
        Ops.LayerNormBackward(dxIn, dg, mean, rstd, dy, dx, dgamma, dbeta, rows, cols);

        double Loss(double[] xs, double[] gs, double[] bs)
        {
            double total = 0;
            for (var r = 0; r < rows; r++)
            {
                total += Reference.Dot(Reference.LayerNorm(xs[(r * cols)..((r + 1) * cols)], gs, bs, 1e-5), w[(r * cols)..((r + 1) * cols)]);
            }

            return total;
        }

        var xd = Reference.ToDouble(x);
        var gd = Reference.ToDouble(gamma);
        var bd = Reference.ToDouble(beta);
        Reference.Close(Reference.LayerNorm(xd[..cols], gd, bd, 1e-5), Download(y)[..cols], 1e-4);
        Reference.Close(Reference.Gradient(xd, v => Loss(v, gd, bd)), Download(dx), 2e-3);
        Reference.Close(Reference.Gradient(gd, v => Loss(xd, v, bd)).Select(v => v + 1).ToArray(), Download(dgamma), 2e-3);
        Reference.Close(Reference.Gradient(bd, v => Loss(xd, gd, v)), Download(dbeta), 2e-3);
    }

    [Fact]
    public void RmsNorm_ForwardAndBackward_MatchReferenceAndFiniteDifferences()
    {
        const int rows = 3, cols = 8;
        var x = Reference.Random(rows * cols, 8, 2);
        var gamma = Reference.Random(cols, 9);
        var w = Reference.Random(rows * cols, 10);
        using var dxIn = Upload(x);
        using var dg = Upload(gamma);
        using var y = _device.Allocate(rows * cols);
        using var rstd = _device.Allocate(rows);
        using var dy = Upload(w);
        using var dx = _device.Allocate(rows * cols);
        using var dgamma = _device.Allocate(cols);

        Ops.RmsNorm(dxIn, dg, y, rstd, rows, cols, 1e-6f);
        Ops.RmsNormBackward(dxIn, dg, rstd, dy, dx, dgamma, rows, cols);

        double Loss(double[] xs, double[] gs) => Enumerable.Range(0, rows).Sum(r => Reference.Dot(Reference.RmsNorm(xs[(r * cols)..((r + 1) * cols)], gs, 1e-6), w[(r * cols)..((r + 1) * cols)]));
        var xd = Reference.ToDouble(x);
        var gd = Reference.ToDouble(gamma);
        Reference.Close(Reference.RmsNorm(xd[cols..(2 * cols)], gd, 1e-6), Download(y)[cols..(2 * cols)], 1e-4);
        Reference.Close(Reference.Gradient(xd, v => Loss(v, gd)), Download(dx), 2e-3);
        Reference.Close(Reference.Gradient(gd, v => Loss(xd, v)), Download(dgamma), 2e-3);
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.Silu)]
    public void Activation_ForwardAndBackward_MatchFormulaAndDerivative(ActivationKind kind)
    {
        var x = Reference.Random(101, 11, 4).Select(v => MathF.Abs(v) < 1e-3f ? 0.5f : v).ToArray();
        var w = Reference.Random(101, 12);
        Func<double, double> f = kind switch
        {
            ActivationKind.Relu => v => Math.Max(0, v),
            ActivationKind.Gelu => Reference.Gelu,
            _ => Reference.Silu,
        };
        using var dxIn = Upload(x);
        using var y = _device.Allocate(x.Length);
        using var dy = Upload(w);
        using var dx = _device.Allocate(x.Length);

        Ops.Activation(kind, dxIn, y, x.Length);
        Ops.ActivationBackward(kind, dxIn, dy, dx, x.Length);

        Reference.Close([.. x.Select(v => f(v))], Download(y), 1e-5);
        Reference.Close(Reference.Gradient(Reference.ToDouble(x), v => Reference.Dot([.. v.Select(f)], w)), Download(dx), 1e-4);
    }

    [Fact]
    public void CrossEntropy_LossAndGradientOfTheMean_IgnoredTargetContributesNothing()
    {
        const int rows = 3, cols = 7;
        var logits = Reference.Random(rows * cols, 13, 3);
        int[] targets = [2, 6, -1];
        using var dl = Upload(logits);
        using var dt = _device.Allocate(rows, DataType.Int32);
        _device.Write<int>(dt, targets);
        using var losses = _device.Allocate(rows);
        using var grad = _device.Allocate(rows * cols);

        Ops.CrossEntropy(dl, dt, losses, grad, rows, cols);

        double Mean(double[] l) => Enumerable.Range(0, 2).Sum(r => -Math.Log(Reference.Softmax(l[(r * cols)..((r + 1) * cols)])[targets[r]])) / rows;
        var loss = Download(losses);
        var expectedLoss = -Math.Log(Reference.Softmax(Reference.ToDouble(logits[..cols]))[2]);
        // log-sum-exp over `cols` terms in fp32: the error grows with the row length and the size of the logits.
        var scale = Reference.ToDouble(logits[..cols]).Max(Math.Abs) + Math.Abs(expectedLoss);
        FloatAssert.Close(expectedLoss, loss[0], 4 * cols * FloatAssert.Fp32UnitRoundoff * scale, "loss of row 0");
        Assert.Equal(0f, loss[2]);
        Reference.Close(Reference.Gradient(Reference.ToDouble(logits), Mean), Download(grad), 1e-4);
    }

    [Fact]
    public void AdamW_OneStep_FollowsTheUpdateRule()
    {
        float[] p = [1f, -2f], g = [0.5f, -0.1f], m = [0.1f, 0f], v = [0.01f, 0f];
        using var dp = Upload(p);
        using var dg = Upload(g);
        using var dm = Upload(m);
        using var dv = Upload(v);
        var hyper = new AdamWParameters(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, 3);

        Ops.AdamW(dp, dg, dm, dv, 2, hyper);

        for (var i = 0; i < 2; i++)
        {
            // The reference uses the hyperparameters as the device holds them (fp32): 1 - 0.999f is not 0.001.
            double beta1 = hyper.Beta1, beta2 = hyper.Beta2, lr = hyper.LearningRate, decay = hyper.WeightDecay;
            var mi = (beta1 * m[i]) + ((1 - beta1) * g[i]);
            var vi = (beta2 * v[i]) + ((1 - beta2) * g[i] * g[i]);
            var update = (mi / (1 - Math.Pow(beta1, 3))) / (Math.Sqrt(vi / (1 - Math.Pow(beta2, 3))) + hyper.Epsilon);
            // A dozen fp32 operations per element: a few ulps of fp32 relative to each value.
            FloatAssert.Relative(p[i] - (lr * (update + (decay * p[i]))), Download(dp)[i], 16, FloatAssert.Fp32UnitRoundoff, $"p[{i}]");
            FloatAssert.Relative(mi, Download(dm)[i], 4, FloatAssert.Fp32UnitRoundoff, $"m[{i}]");
            FloatAssert.Relative(vi, Download(dv)[i], 4, FloatAssert.Fp32UnitRoundoff, $"v[{i}]");
        }
    }

    [Fact]
    public void EmbeddingGatherAndBackward_RepeatedIdsAccumulateAndOutOfRangeGivesZeros()
    {
        var table = Reference.Random(4 * 3, 17);
        int[] ids = [1, 3, 1, 9];
        using var dt = Upload(table);
        using var di = _device.Allocate(ids.Length, DataType.Int32);
        _device.Write<int>(di, ids);
        using var y = _device.Allocate(ids.Length * 3);
        using var grad = _device.Allocate(table.Length);
        using var dy = Upload(Enumerable.Repeat(1f, ids.Length * 3).ToArray());

        Ops.EmbeddingGather(dt, di, y, ids.Length, 3);
        Ops.EmbeddingBackward(di, dy, grad, ids.Length, 3);

        var gathered = Download(y);
        Assert.Equal(table[3..6], gathered[..3]);
        Assert.Equal(table[9..12], gathered[3..6]);
        Assert.Equal([0f, 0f, 0f], gathered[9..12]);
        Assert.Equal([0f, 0f, 0f, 2f, 2f, 2f, 0f, 0f, 0f, 1f, 1f, 1f], Download(grad));
    }

    [Fact]
    public void SwapAxes_SplitsHeadsAndBack()
    {
        var x = Enumerable.Range(0, 2 * 3 * 4 * 2).Select(i => (float)i).ToArray();
        using var dx = Upload(x);
        using var heads = _device.Allocate(x.Length);
        using var back = _device.Allocate(x.Length);

        Ops.SwapAxes(dx, heads, 2, 3, 4, 2);
        Ops.SwapAxes(heads, back, 2, 4, 3, 2);

        var h = Download(heads);
        Assert.Equal(x[((((1 * 3) + 2) * 4) + 1) * 2], h[((((1 * 4) + 1) * 3) + 2) * 2]);
        Assert.Equal(x, Download(back));
    }

    [Fact]
    public void Convert_ToBf16AndFp16_RoundsToNearestEven()
    {
        float[] values = [1f, 1f + MathF.Pow(2, -8), 1f + (3 * MathF.Pow(2, -8)), -2.5f, 65504f];
        using var src = Upload(values);
        using var bf = _device.Allocate(values.Length, DataType.BFloat16);
        using var half = _device.Allocate(values.Length, DataType.Float16);
        using var back = _device.Allocate(values.Length);

        Ops.Convert(src, bf, values.Length);
        Ops.Convert(bf, back, values.Length);
        var fromBf16 = Download(back);
        Ops.Convert(src, half, values.Length);
        Ops.Convert(half, back, values.Length);

        Assert.Equal([1f, 1f, 1f + MathF.Pow(2, -6), -2.5f, 65536f], fromBf16);
        Assert.Equal(values, Download(back));
    }

    [Fact]
    public void SumAxpbyAddBiasSumColumns_ComputeWhatTheyPromise()
    {
        using var x = Upload([1f, 2f, 3f, 4f, 5f, 6f]);
        using var bias = Upload([10f, 20f, 30f]);
        using var total = _device.Allocate(1);
        using var columns = Upload([1f, 1f, 1f]);
        using var y = Upload([1f, 1f, 1f, 1f, 1f, 1f]);

        Ops.Sum(x, total, 6);
        Ops.Axpby(2f, x, 3f, y, 6);
        Ops.AddBias(x, bias, 2, 3);
        Ops.SumColumns(x, columns, 2, 3);

        Assert.Equal(21f, Download(total)[0]);
        Assert.Equal([5f, 7f, 9f, 11f, 13f, 15f], Download(y));
        Assert.Equal([26f, 48f, 70f], Download(columns));
    }

    [Fact]
    public void Allocate_MoreThanAvailable_RefusedWithSizeAndLimit()
    {
        using var device = new CpuDevice(_device.Info, CpuGemmEngine.Create("simd"), () => 1L << 30);

        var error = Assert.Throws<InsufficientDeviceMemoryException>(() => device.Allocate(1L << 30));

        Assert.Equal("needs 4 GiB but device 'cpu' has 768 MiB free; choose smaller sizes or another device", error.Message);
    }

    [Fact]
    public void Dispose_Device_ReleasesEveryBufferAndDoubleDisposeIsSafe()
    {
        using var device = (CpuDevice)Provider.Open(0);
        var buffer = device.Allocate(1000);
        Assert.Equal(4000, device.AllocatedBytes);

        device.Dispose();
        buffer.Dispose();

        Assert.Equal(0, device.AllocatedBytes);
    }

    private CpuBuffer Upload(float[] values)
    {
        var buffer = (CpuBuffer)_device.Allocate(values.Length);
        _device.Write<float>(buffer, values);
        return buffer;
    }

    private float[] Download(IDeviceBuffer buffer)
    {
        var values = new float[buffer.Length];
        _device.Read<float>(buffer, values);
        return values;
    }
}
