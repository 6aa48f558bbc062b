using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

/// <summary>
/// <see cref="ITensorOps.LinearWeights"/> at prefill sizes (<see cref="KernelTensorOps.PrefillRows"/> rows and more) on
/// <c>opencl:0</c> (PoCL, tiled GEMM engine), where W is decoded slice by slice into fp32 scratch and multiplied by
/// the GEMM engine, against a float64 product of <see cref="QuantizedBlocks.Dequantize"/>'s values.
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed class PrefillLinearTests
{
    private readonly DeviceFixture _fixture;

    public PrefillLinearTests(DeviceFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<DataType, int, float> Cases()
    {
        var cases = new TheoryData<DataType, int, float>();
        foreach (var type in new[] { DataType.Float32, DataType.Float16, DataType.BFloat16, DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K })
        {
            cases.Add(type, KernelTensorOps.PrefillRows, 0f);
            cases.Add(type, 37, 1f);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LinearWeights_PrefillRows_EqualTheDequantizedProductWithinRounding(DataType type, int rows, float beta)
    {
        Check(type, rows, outputs: 75, inputs: 512, beta);
    }

    [Fact]
    public void LinearWeights_WeightsLargerThanTheScratch_AreMultipliedSliceBySlice()
    {
        // 8195 outputs of 512 fp32 values are 16.8 MB, past the 16 MiB scratch: two slices, the second of 3 outputs.
        const int inputs = 512;
        var outputs = (int)(KernelTensorOps.ScratchBytes / sizeof(float) / inputs) + 3;
        Check(DataType.Q8_0, rows: 17, outputs, inputs, beta: 1f);
    }

    private void Check(DataType type, int rows, int outputs, int inputs, float beta)
    {
        var device = _fixture.OpenCl;
        var values = Approx.Random(3, (long)outputs * inputs, 0.5f);
        var stored = QuantizedBlocks.Quantize(type, values);
        var decoded = new float[values.Length];
        QuantizedBlocks.Dequantize(type, stored, decoded);
        var x = Approx.Random(4, (long)rows * inputs);

        // With beta 0, y's old contents are NaN: they must be ignored, not multiplied by zero.
        var previous = beta == 0f ? Enumerable.Repeat(float.NaN, rows * outputs).ToArray() : Approx.Random(5, (long)rows * outputs);
        using var w = Upload(device, type, stored);
        using var bx = device.Allocate(x.Length);
        using var by = device.Allocate(previous.Length);
        device.Write<float>(bx, x);
        device.Write<float>(by, previous);
        device.Ops.LinearWeights(bx, w, by, rows, outputs, inputs, beta);
        var y = new float[previous.Length];
        device.Read<float>(by, y);

        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < outputs; n++)
            {
                double exact = beta == 0f ? 0 : beta * (double)previous[(r * outputs) + n], magnitude = Math.Abs(exact);
                for (var k = 0; k < inputs; k++)
                {
                    var product = (double)x[(r * inputs) + k] * decoded[((long)n * inputs) + k];
                    exact += product;
                    magnitude += Math.Abs(product);
                }

                // fp32 accumulation over K products (decoded values are exact fp32, as on the CPU), plus the rounding of
                // each x value where the device rounds x to the weights' half type (cuBLAS with half inputs).
                var bound = (InputRounding(device.Ops.LinearInputType(type)) + (4.0 * inputs * Math.Pow(2, -24))) * magnitude;
                var actual = y[(r * outputs) + n];
                Assert.True(Math.Abs(actual - exact) <= bound, $"{type.ShortName()} row {r} output {n}: {actual} vs {exact} (bound {bound:e2})");
            }
        }
    }

    private static double InputRounding(DataType input) => input switch
    {
        DataType.Float32 => 0,
        DataType.Float16 => Math.Pow(2, -11),
        DataType.BFloat16 => Math.Pow(2, -8),
        _ => throw new InvalidOperationException($"the test device rounds x to {input.ShortName()}, which this test does not bound"),
    };

    private static IDeviceBuffer Upload(IDevice device, DataType type, byte[] stored)
    {
        var buffer = device.Allocate(stored.Length / type.SizeInBytes(), type);
        switch (type.SizeInBytes())
        {
            case 4:
                device.Write<float>(buffer, MemoryMarshal.Cast<byte, float>(stored));
                break;
            case 2:
                device.Write<ushort>(buffer, MemoryMarshal.Cast<byte, ushort>(stored));
                break;
            default:
                device.Write<byte>(buffer, stored);
                break;
        }

        return buffer;
    }
}
