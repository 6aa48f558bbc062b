using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Testing;
using static AiProfiler.Backends.Ilgpu.Tests.HostData;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>Every C# kernel on <c>ilgpu-cpu</c> against the CPU backend, the reference of every tensor operation, on small shapes.</summary>
[Collection(IlgpuEmulatorCollection.Name)]
public sealed partial class IlgpuTensorOpsTests : IDisposable
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
