using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Testing;
using static AiProfiler.Backends.Ilgpu.Tests.HostData;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>Every C# kernel on <c>ilgpu-cpu</c> against the CPU backend, the reference of every tensor operation, on small shapes.</summary>
[Collection(IlgpuEmulatorCollection.Name)]
public sealed class IlgpuTensorOpsTests : IDisposable
{
    private readonly IDevice _cpu = TestDevices.Cpu("simd");
    private readonly IDevice _ilgpu = IlgpuTestDevices.Cpu();

    public void Dispose() => _cpu.Dispose();

    /// <summary>Runs <paramref name="operation"/> on the CPU backend and on ilgpu-cpu; returns both outputs.</summary>
    private (float[] Expected, float[] Actual) Both(Func<IDevice, float[]> operation) => (operation(_cpu), operation(_ilgpu));

    [Theory]
    [InlineData(false, false, DataType.Float32)]
    [InlineData(true, false, DataType.Float32)]
    [InlineData(false, true, DataType.Float32)]
    [InlineData(true, true, DataType.Float16)]
    [InlineData(false, true, DataType.BFloat16)]
    public void Gemm_BatchedStridedWithOffsets_MatchesDoublePrecision(bool transposeA, bool transposeB, DataType type)
    {
        const int m = 19, n = 23, k = 21, batches = 2;
        var g = new GemmDescriptor
        {
            M = m, N = n, K = k, TransposeA = transposeA, TransposeB = transposeB, Alpha = 0.75f, Beta = 0.5f,
            LdA = (transposeA ? m : k) + 3, LdB = (transposeB ? k : n) + 2, LdC = n + 1, BatchCount = batches,
            OffsetA = 5, OffsetB = 7, OffsetC = 3, Type = type,
        };
        g = g with { StrideA = (long)(transposeA ? k : m) * g.LdA, StrideB = (long)(transposeB ? n : k) * g.LdB, StrideC = (long)m * g.LdC };

        // The CPU backend multiplies fp32 only, so the reference is the double-precision product of the inputs as the
        // device stores them (rounded to the type by the CPU backend's conversion).
        var a = Rounded(Random((int)(g.OffsetA + batches * g.StrideA), 1), type);
        var b = Rounded(Random((int)(g.OffsetB + batches * g.StrideB), 2), type);
        var c = Rounded(Random((int)(g.OffsetC + batches * g.StrideC), 3), type);
        using var bufferA = Typed(_ilgpu, a, type);
        using var bufferB = Typed(_ilgpu, b, type);
        using var bufferC = Typed(_ilgpu, c, type);
        _ilgpu.Ops.Gemm(g, bufferA, bufferB, bufferC);
        using var result = _ilgpu.Allocate(c.Length);
        _ilgpu.Ops.Convert(bufferC, result, c.Length);
        var actual = Download(_ilgpu, result);

        // Output rounding of the type, plus c·K·u·Σ|α·a·b| + |β·c| for the fp32 accumulation.
        var outputUnit = type switch { DataType.Float16 => 1.0 / 2048, DataType.BFloat16 => 1.0 / 256, _ => Unit };
        for (var batch = 0; batch < batches; batch++)
        {
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    double exact = 0, magnitude = 0;
                    for (var p = 0; p < k; p++)
                    {
                        var av = a[g.OffsetA + batch * g.StrideA + (transposeA ? (long)p * g.LdA + i : (long)i * g.LdA + p)];
                        var bv = b[g.OffsetB + batch * g.StrideB + (transposeB ? (long)j * g.LdB + p : (long)p * g.LdB + j)];
                        exact += (double)av * bv;
                        magnitude += Math.Abs((double)av * bv);
                    }

                    var index = g.OffsetC + batch * g.StrideC + (long)i * g.LdC + j;
                    var expected = g.Alpha * exact + g.Beta * c[index];
                    var tolerance = 2 * k * Unit * (Math.Abs(g.Alpha) * magnitude + Math.Abs(g.Beta * c[index])) + outputUnit * Math.Abs(expected);
                    Assert.True(Math.Abs(actual[index] - expected) <= tolerance, $"C[{batch},{i},{j}] = {actual[index]}, expected {expected} ± {tolerance:g3}");
                }
            }
        }
    }

    [Fact]
    public void Softmax_WithMaskedEntriesAndAFullyMaskedRow_MatchesCpu()
    {
        const int rows = 5, cols = 37;
        var x = Random(rows * cols, 4, 8f);
        x[3] = float.NegativeInfinity;
        for (var c = 0; c < cols; c++)
        {
            x[2 * cols + c] = float.NegativeInfinity;
        }

        var (expected, actual) = Both(d =>
        {
            using var input = Upload(d, x);
            using var output = d.Allocate(x.Length);
            d.Ops.Softmax(input, output, rows, cols);
            return Download(d, output);
        });

        AssertClose(expected, actual, cols);
        Assert.All(actual.Skip(2 * cols).Take(cols), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SoftmaxBackward_MatchesCpu()
    {
        const int rows = 3, cols = 29;
        var y = Random(rows * cols, 5).Select(Math.Abs).ToArray();
        var dy = Random(rows * cols, 6);
        var (expected, actual) = Both(d =>
        {
            using var yb = Upload(d, y);
            using var dyb = Upload(d, dy);
            using var dx = d.Allocate(y.Length);
            d.Ops.SoftmaxBackward(yb, dyb, dx, rows, cols);
            return Download(d, dx);
        });

        AssertClose(expected, actual, cols);
    }

    [Fact]
    public void CausalMask_WithOffset_MatchesCpu()
    {
        var (expected, actual) = Both(d =>
        {
            using var scores = Upload(d, Random(2 * 4 * 7, 7));
            d.Ops.CausalMask(scores, 2, 4, 7, 2);
            return Download(d, scores);
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void LayerNormForwardAndBackward_MatchCpu()
    {
        const int rows = 4, cols = 45;
        var x = Random(rows * cols, 8, 3f).Select(v => v + 10f).ToArray();
        var gamma = Random(cols, 9);
        var beta = Random(cols, 10);
        var dy = Random(rows * cols, 11);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var g = Upload(d, gamma);
            using var b = Upload(d, beta);
            using var y = d.Allocate(x.Length);
            using var mean = d.Allocate(rows);
            using var rstd = d.Allocate(rows);
            d.Ops.LayerNorm(xb, g, b, y, mean, rstd, rows, cols, 1e-5f);
            using var dyb = Upload(d, dy);
            using var dx = d.Allocate(x.Length);
            using var dgamma = Upload(d, Enumerable.Repeat(1f, cols).ToArray());
            using var dbeta = d.Allocate(cols);
            d.Ops.LayerNormBackward(xb, g, mean, rstd, dyb, dx, dgamma, dbeta, rows, cols);
            return [.. Download(d, y), .. Download(d, mean), .. Download(d, rstd), .. Download(d, dx), .. Download(d, dgamma), .. Download(d, dbeta)];
        });

        AssertClose(expected, actual, cols, magnitude: 10);
    }

    [Fact]
    public void RmsNormForwardAndBackward_MatchCpu()
    {
        const int rows = 3, cols = 33;
        var x = Random(rows * cols, 12, 2f);
        var gamma = Random(cols, 13);
        var dy = Random(rows * cols, 14);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var g = Upload(d, gamma);
            using var y = d.Allocate(x.Length);
            using var rstd = d.Allocate(rows);
            d.Ops.RmsNorm(xb, g, y, rstd, rows, cols, 1e-6f);
            using var dyb = Upload(d, dy);
            using var dx = d.Allocate(x.Length);
            using var dgamma = d.Allocate(cols);
            d.Ops.RmsNormBackward(xb, g, rstd, dyb, dx, dgamma, rows, cols);
            return [.. Download(d, y), .. Download(d, rstd), .. Download(d, dx), .. Download(d, dgamma)];
        });

        AssertClose(expected, actual, cols, magnitude: 4);
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.Silu)]
    public void ActivationForwardAndBackward_MatchCpu(ActivationKind kind)
    {
        var x = Random(301, 15, 6f);
        var dy = Random(301, 16);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var y = d.Allocate(x.Length);
            d.Ops.Activation(kind, xb, y, x.Length);
            using var dyb = Upload(d, dy);
            using var dx = d.Allocate(x.Length);
            d.Ops.ActivationBackward(kind, xb, dyb, dx, x.Length);
            return [.. Download(d, y), .. Download(d, dx)];
        });

        AssertClose(expected, actual, 1, magnitude: 6);
    }

    [Theory]
    [InlineData(ElementwiseOp.Add)]
    [InlineData(ElementwiseOp.Subtract)]
    [InlineData(ElementwiseOp.Multiply)]
    public void Elementwise_MatchesCpu(ElementwiseOp op)
    {
        var a = Random(257, 17);
        var b = Random(257, 18);
        var (expected, actual) = Both(d =>
        {
            using var ab = Upload(d, a);
            using var bb = Upload(d, b);
            using var y = d.Allocate(a.Length);
            d.Ops.Elementwise(op, ab, bb, y, a.Length);
            return Download(d, y);
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void AxpbyAddBiasSumColumnsAndSum_MatchCpu()
    {
        const int rows = 7, cols = 41;
        var x = Random(rows * cols, 19);
        var y = Random(rows * cols, 20);
        var bias = Random(cols, 21);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var yb = Upload(d, y);
            d.Ops.Axpby(0.5f, xb, 2f, yb, x.Length);
            using var biasb = Upload(d, bias);
            d.Ops.AddBias(yb, biasb, rows, cols);
            using var columns = Upload(d, bias);
            d.Ops.SumColumns(yb, columns, rows, cols);
            using var total = d.Allocate(1);
            d.Ops.Sum(yb, total, x.Length);
            return [.. Download(d, yb), .. Download(d, columns), .. Download(d, total)];
        });

        AssertClose(expected, actual, rows * cols, magnitude: 4);
    }

    [Fact]
    public void EmbeddingGatherAndBackward_WithRepeatedAndOutOfRangeIds_MatchCpu()
    {
        const int vocab = 6, dim = 5;
        int[] ids = [2, 5, 2, -1, 9, 0, 2];
        var table = Random(vocab * dim, 22);
        var dy = Random(ids.Length * dim, 23);
        var (expected, actual) = Both(d =>
        {
            using var tableb = Upload(d, table);
            using var idsb = Upload(d, ids);
            using var y = d.Allocate(ids.Length * dim);
            d.Ops.EmbeddingGather(tableb, idsb, y, ids.Length, dim);
            using var dyb = Upload(d, dy);
            using var dtable = d.Allocate(vocab * dim);
            d.Ops.EmbeddingBackward(idsb, dyb, dtable, ids.Length, dim);
            return [.. Download(d, y), .. Download(d, dtable)];
        });

        AssertClose(expected, actual, ids.Length);
    }

    [Fact]
    public void CrossEntropy_WithAnIgnoredRow_MatchesCpu()
    {
        const int rows = 4, cols = 27;
        var logits = Random(rows * cols, 24, 5f);
        int[] targets = [3, -1, 26, 0];
        var (expected, actual) = Both(d =>
        {
            using var l = Upload(d, logits);
            using var t = Upload(d, targets);
            using var losses = d.Allocate(rows);
            using var dlogits = d.Allocate(logits.Length);
            d.Ops.CrossEntropy(l, t, losses, dlogits, rows, cols);
            return [.. Download(d, losses), .. Download(d, dlogits)];
        });

        AssertClose(expected, actual, cols, magnitude: 5);
        Assert.Equal(0f, actual[1]);
    }

    [Fact]
    public void AdamW_ThirdStep_MatchesCpu()
    {
        var p = Random(99, 25);
        var g = Random(99, 26);
        var m = Random(99, 27, 0.1f);
        var v = Random(99, 28).Select(x => x * x).ToArray();
        var (expected, actual) = Both(d =>
        {
            using var pb = Upload(d, p);
            using var gb = Upload(d, g);
            using var mb = Upload(d, m);
            using var vb = Upload(d, v);
            d.Ops.AdamW(pb, gb, mb, vb, p.Length, new AdamWParameters(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, 3));
            return [.. Download(d, pb), .. Download(d, mb), .. Download(d, vb)];
        });

        AssertClose(expected, actual, 1);
    }

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

    [Fact]
    public void SwapAxesCopyAndFill_MatchCpu()
    {
        var x = Random(2 * 3 * 4 * 5, 32);
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var y = d.Allocate(x.Length);
            d.Ops.SwapAxes(xb, y, 2, 3, 4, 5);
            d.Ops.Copy(xb, 7, y, 50, 30);
            d.Ops.Fill(y, -2.5f, 3, 11);
            return Download(d, y);
        });

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.BFloat16)]
    public void ConvertRoundTripAndHalfFillAndCopy_MatchCpu(DataType type)
    {
        float[] special = [0f, -0f, 1f / 3, 65504f, 65520f, 1e-8f, 3e-5f, -6.1e-5f, float.PositiveInfinity, float.NaN, 1e30f, -2.75f];
        var x = special.Concat(Random(100, 33, 100f)).ToArray();
        var (expected, actual) = Both(d =>
        {
            using var xb = Upload(d, x);
            using var half = d.Allocate(x.Length, type);
            d.Ops.Convert(xb, half, x.Length);
            d.Ops.Fill(half, 1.5f, 20, 5);
            using var other = d.Allocate(x.Length, type);
            d.Ops.Copy(half, 0, other, 0, x.Length);
            using var back = d.Allocate(x.Length);
            d.Ops.Convert(other, back, x.Length);
            return Download(d, back);
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Softmax_ShortBuffer_ThrowsNamingTheBuffer()
    {
        using var x = _ilgpu.Allocate(10);
        using var y = _ilgpu.Allocate(20);

        var error = Assert.Throws<ArgumentException>(() => _ilgpu.Ops.Softmax(x, y, 4, 5));

        Assert.StartsWith("x holds 10 elements but the operation needs 20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemm_BufferOfAnotherDevice_ThrowsNamingBothDevices()
    {
        using var foreign = _cpu.Allocate(4);
        using var own = _ilgpu.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => _ilgpu.Ops.Gemm(new GemmDescriptor { M = 2, N = 2, K = 1 }, foreign, own, own));

        Assert.Contains("belongs to device 'cpu', not to 'ilgpu-cpu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernels_UsedTwice_AreCompiledOnce()
    {
        var device = (IlgpuDevice)new IlgpuDeviceProvider(IlgpuTarget.Cpu, Gemm.IlgpuGemmChoice.Tiled).Open(0);
        using (device)
        {
            using var x = device.Allocate(64);
            device.Ops.Activation(ActivationKind.Relu, x, x, 64);
            var afterFirst = device.CompiledKernels;
            device.Ops.Activation(ActivationKind.Gelu, x, x, 64);
            device.Ops.Activation(ActivationKind.Relu, x, x, 32);

            Assert.Equal(1, afterFirst);
            Assert.Equal(1, device.CompiledKernels);
        }
    }

    [Fact]
    public void LoadKernel_KernelIlgpuCannotCompile_ThrowsOneLineNamingIt()
    {
        var ilgpu = _ilgpu.GetCapability<Abstractions.Ilgpu.IIlgpuDevice>()!;

        var error = Assert.Throws<KernelCompilationException>(() =>
            ilgpu.LoadKernel("allocating", static a => ILGPU.Runtime.KernelLoaders.LoadAutoGroupedStreamKernel<ILGPU.Index1D, ILGPU.ArrayView<float>>(a, AllocatingKernel)));

        Assert.StartsWith("kernel 'allocating' failed to compile: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>Allocates a managed array, which no ILGPU backend can compile.</summary>
    private static void AllocatingKernel(ILGPU.Index1D i, ILGPU.ArrayView<float> x) => x[i] = new float[i + 1].Length;

    /// <summary>The values as a buffer of <paramref name="type"/> stores them, rounded by the CPU backend.</summary>
    private float[] Rounded(float[] values, DataType type)
    {
        using var buffer = Typed(_cpu, values, type);
        using var back = _cpu.Allocate(values.Length);
        _cpu.Ops.Convert(buffer, back, values.Length);
        return Download(_cpu, back);
    }

    private static IDeviceBuffer Typed(IDevice device, float[] values, DataType type)
    {
        using var single = Upload(device, values);
        if (type == DataType.Float32)
        {
            var copy = device.Allocate(values.Length);
            device.Ops.Copy(single, 0, copy, 0, values.Length);
            return copy;
        }

        var narrow = device.Allocate(values.Length, type);
        device.Ops.Convert(single, narrow, values.Length);
        return narrow;
    }
}
