using AiProfiler.Abstractions.Devices;
using AiProfiler.Testing;

namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>
/// How far cached decode may drift from a full recompute before verification fails: one rounding step of x per layer
/// in the format the device rounds x to. A real NVIDIA H200 (cuBLAS rounding x to fp16 at prefill sizes) failed the
/// old fixed 1e-3 on Llama-3.2-1B-shaped fp16 weights with 1.55e-3, a correct result.
/// </summary>
public sealed class VerificationToleranceTests
{
    [Fact]
    public void Tolerance_XUsedAsIs_IsTheFixedBound()
    {
        var tolerance = PreparedInference.VerificationTolerance(_ => DataType.Float32, [DataType.Float16, DataType.Float32], layers: 16);

        Assert.Equal(PreparedInference.Tolerance, tolerance);
    }

    [Theory]
    [InlineData(DataType.Float16, 16, 16 / 1024.0)]
    [InlineData(DataType.BFloat16, 2, 2 / 128.0)]
    [InlineData(DataType.Q8_0, 24, 24 / 127.0)]
    public void Tolerance_XRounded_IsOneStepPerLayer(DataType roundedTo, int layers, double expected)
    {
        var tolerance = PreparedInference.VerificationTolerance(w => w == DataType.Float32 ? DataType.Float32 : roundedTo, [DataType.Float32, roundedTo], layers);

        Assert.Equal(expected, tolerance, expected * 1e-12);
    }

    [Fact]
    public void Tolerance_FewLayersOfFineRounding_NeverBelowTheFixedBound()
    {
        // One layer of fp16 rounding is 2^-10 ≈ 9.8e-4, under the fixed 1e-3: the fixed bound stays.
        var tolerance = PreparedInference.VerificationTolerance(w => w, [DataType.Float16], layers: 1);

        Assert.Equal(PreparedInference.Tolerance, tolerance);
    }

    [Fact]
    public void Tolerance_OnTheCpu_WidensForBlockWeightsOnly()
    {
        using var cpu = TestDevices.Cpu();

        Assert.Equal(12 / 127.0, PreparedInference.VerificationTolerance(cpu.Ops.LinearInputType, [DataType.Q4_K, DataType.Float32], 12), 1e-12);
        Assert.Equal(PreparedInference.Tolerance, PreparedInference.VerificationTolerance(cpu.Ops.LinearInputType, [DataType.BFloat16, DataType.Float16], 12));
    }
}
