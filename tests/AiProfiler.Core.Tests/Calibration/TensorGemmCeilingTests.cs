using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.Ilgpu;
using AiProfiler.Backends.Ilgpu.Gemm;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Tests.Calibration;

/// <summary>
/// The half-precision tensor path's ceiling, measured through the device's GEMM in that type. On a real NVIDIA H200
/// the calibration showed fp16/bf16 as "datasheet only" while cuBLAS ran 4096³ fp16 at 597 TFLOP/s; here the probe
/// runs on ILGPU's CPU emulator, whose tiled GEMM takes fp16 and bf16.
/// </summary>
public sealed class TensorGemmCeilingTests
{
    private static readonly CalibrationSettings Quick = new(PassSeconds: 0.005, Repetitions: 3, BandwidthElements: 1 << 16);

    [Theory]
    [InlineData(DataType.Float16)]
    [InlineData(DataType.BFloat16)]
    public void TensorGemm_DeviceGemmTakesTheType_MeasuresItsRate(DataType type)
    {
        using var device = new IlgpuDeviceProvider(IlgpuTarget.Cpu, IlgpuGemmChoice.Auto).Open(0);
        Assert.True(device.Ops.SupportsGemm(type), "the emulator's tiled GEMM takes half types");

        var rate = DeviceCalibrator.TensorGemm(device, type, Quick, size: 32);

        Assert.NotNull(rate);
        Assert.True(rate.Repetitions >= 3, $"{rate.Repetitions} timed passes");
        Assert.True(rate.Low > 0 && rate.Low <= rate.Median && rate.Median <= rate.High, $"{rate.Low} <= {rate.Median} <= {rate.High}");
    }

    [Fact]
    public void TensorGemm_DeviceGemmRefusesTheType_IsNull()
    {
        using var cpu = new CpuDeviceProvider("simd").Open(0);

        Assert.Null(DeviceCalibrator.TensorGemm(cpu, DataType.Float16, Quick, size: 32));
    }
}
