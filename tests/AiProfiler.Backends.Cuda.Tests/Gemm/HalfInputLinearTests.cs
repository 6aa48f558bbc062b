using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Tests.FakeCuda;
using AiProfiler.Kernels;

namespace AiProfiler.Backends.Cuda.Tests.Gemm;

/// <summary>
/// Prefill with fp16 and bf16 weights on CUDA: x is rounded to W's type by <c>linear_input_to_half</c> and cuBLAS
/// multiplies W where it lies (cublasGemmEx, A/B in CUDA_R_16F or CUDA_R_16BF, C in CUDA_R_32F, CUBLAS_COMPUTE_32F).
/// The fake refuses any other type combination and runs no decoding kernel, so a right answer means that call ran
/// with the right leading dimensions and beta.
/// </summary>
[Collection(FakeCudaCollection.Name)]
public sealed class HalfInputLinearTests
{
    [Theory]
    [InlineData(DataType.Float16, 0f)]
    [InlineData(DataType.Float16, 1f)]
    [InlineData(DataType.BFloat16, 0f)]
    [InlineData(DataType.BFloat16, 1f)]
    public void LinearWeights_HalfWeightsAtPrefill_MatchTheProductWithXRoundedToTheHalfType(DataType type, float beta)
    {
        const int outputs = 13, inputs = 40;
        var rows = KernelTensorOps.PrefillRows + 3;
        var random = new Random(11);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var weights = QuantizedBlocks.Quantize(type, Values(outputs * inputs));
        var w = new float[outputs * inputs];
        QuantizedBlocks.Dequantize(type, weights, w);
        var x = Values(rows * inputs);
        var previous = beta == 0f ? Enumerable.Repeat(float.NaN, rows * outputs).ToArray() : Values(rows * outputs);

        using var device = new CudaDeviceProvider(FakeCudaLibrary.Names).Open(0);
        Assert.Equal(type, device.Ops.LinearInputType(type));
        using var bw = device.Allocate(outputs * inputs, type);
        using var bx = device.Allocate(x.Length);
        using var by = device.Allocate(previous.Length);
        device.Write<ushort>(bw, MemoryMarshal.Cast<byte, ushort>(weights));
        device.Write<float>(bx, x);
        device.Write<float>(by, previous);
        device.Ops.LinearWeights(bx, bw, by, rows, outputs, inputs, beta);
        var y = new float[previous.Length];
        device.Read<float>(by, y);

        // Each x value is rounded once to the half type (relative 2^-11 for fp16, 2^-8 for bf16), then fp32 accumulation.
        var rounding = type == DataType.Float16 ? Math.Pow(2, -11) : Math.Pow(2, -8);
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < outputs; n++)
            {
                double exact = beta == 0f ? 0 : beta * (double)previous[(r * outputs) + n], magnitude = Math.Abs(exact);
                for (var k = 0; k < inputs; k++)
                {
                    var product = (double)x[(r * inputs) + k] * w[(n * inputs) + k];
                    exact += product;
                    magnitude += Math.Abs(product);
                }

                var bound = (rounding + (4.0 * inputs * Math.Pow(2, -24))) * magnitude;
                var actual = y[(r * outputs) + n];
                Assert.True(Math.Abs(actual - exact) <= bound, $"{type.ShortName()} row {r} output {n}: {actual} vs {exact} (bound {bound:e2})");
            }
        }
    }

    [Fact]
    public void LinearInputType_WithoutCublas_KeepsXInFp32()
    {
        // The tiled kernel decodes fp16/bf16 W to fp32 scratch, so x is never rounded and verifications stay tight.
        using var device = new CudaDeviceProvider(FakeCudaLibrary.Names with { Cublas = ["libaiprofiler-missing-cublas.so.12"] }).Open(0);

        Assert.Equal(DataType.Float32, device.Ops.LinearInputType(DataType.Float16));
        Assert.Equal(DataType.Float32, device.Ops.LinearInputType(DataType.BFloat16));
        Assert.Equal(DataType.Float32, device.Ops.LinearInputType(DataType.Q8_0));
    }
}
