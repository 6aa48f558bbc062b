using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.Ilgpu;
using AiProfiler.Backends.Ilgpu.Gemm;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Tests.Calibration;

/// <summary>
/// The fp32 FMA ceiling of devices whose kernels are not in the portable dialect: ILGPU's devices run the probe as a
/// C# kernel through <c>IFmaProbe</c>. On the H200 `ilgpu-cuda:0` had shown "no kernel compiler: datasheet only"
/// beside `cuda:0`'s measured 55 TFLOP/s; here the probe runs on ILGPU's CPU emulator.
/// </summary>
public sealed class AcceleratorFmaCeilingTests
{
    private static readonly CalibrationSettings Quick = new(PassSeconds: 0.01, Repetitions: 3, BandwidthElements: 1 << 16);

    [Fact]
    public void MeasureKernelFma_IlgpuDevice_MeasuresThroughItsCSharpKernel()
    {
        using var device = new IlgpuDeviceProvider(IlgpuTarget.Cpu, IlgpuGemmChoice.Auto).Open(0);
        Assert.Null(device.Kernels);

        var rate = DeviceCalibrator.MeasureKernelFma(device, Quick);

        Assert.NotNull(rate);
        Assert.Equal(3, rate.Repetitions);
        Assert.True(rate.Low > 0 && rate.Low <= rate.Median && rate.Median <= rate.High, $"{rate.Low} <= {rate.Median} <= {rate.High}");
        Assert.Equal($"ILGPU C# fma kernel, {Math.Max(1, device.Info.ComputeUnits) * 2048L} work-items x 8 chains", DeviceCalibrator.MethodOf(device));
    }

    [Fact]
    public void MeasureKernelFma_DeviceWithNeitherCompilerNorProbe_IsNullAndSaysDatasheetOnly()
    {
        using var cpu = new CpuDeviceProvider("simd").Open(0);

        Assert.Null(DeviceCalibrator.MeasureKernelFma(cpu, Quick));
        Assert.Equal("no kernel compiler: datasheet only", DeviceCalibrator.MethodOf(cpu));
    }
}
