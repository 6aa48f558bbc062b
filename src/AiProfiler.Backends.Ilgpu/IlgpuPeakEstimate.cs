using System.Globalization;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Peaks of ILGPU devices from their properties, estimated as the native backends estimate the same hardware:
/// units × clock × fp32 lanes × 2 (an FMA is two FLOPs), and for CUDA bandwidth 2 × memory clock × bus width / 8.
/// </summary>
internal static class IlgpuPeakEstimate
{
    /// <summary>
    /// FP32 lanes per multiprocessor by compute capability (CUDA C++ Programming Guide, arithmetic throughput table):
    /// 6.0, 7.x and 8.0 have 64, the others since Maxwell 128.
    /// </summary>
    public static int CudaLanes(int major, int minor) => (major, minor) switch
    {
        (6, 0) or (7, _) or (8, 0) => 64,
        _ => 128,
    };

    public static (double Flops, double Bandwidth, string Source) Cuda(CudaDevice device)
    {
        var arch = device.Architecture ?? new CudaArchitecture(0, 0);
        var lanes = CudaLanes(arch.Major, arch.Minor);
        var clockHz = device.ClockRate * 1e3;
        var flops = device.NumMultiprocessors * clockHz * 2 * lanes;
        var bandwidth = 2.0 * device.MemoryClockRate * 1e3 * device.MemoryBusWidth / 8;
        var source = string.Create(CultureInfo.InvariantCulture,
            $"sm_{arch.Major}{arch.Minor}: fp32 = {device.NumMultiprocessors} SMs × {device.ClockRate / 1e3:0} MHz × 2 × {lanes} FP32 lanes; bandwidth = 2 × {device.MemoryClockRate / 1e3:0} MHz × {device.MemoryBusWidth} bit / 8");
        return (flops, bandwidth, source);
    }

    public static (double Flops, string Source) OpenCL(CLDevice device)
    {
        var gpu = device.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU;
        var lanes = !gpu ? 8 : device.Vendor switch
        {
            CLDeviceVendor.Nvidia => 128,
            CLDeviceVendor.AMD => 64,
            _ => 8,
        };
        var clockHz = device.ClockRate * 1e6;
        var flops = device.NumMultiprocessors * clockHz * lanes * 2.0;
        var source = string.Create(CultureInfo.InvariantCulture,
            $"fp32 peak = {device.NumMultiprocessors} compute units × {clockHz / 1e9:0.###} GHz × {lanes} lanes × 2 (FMA); memory bandwidth is not reported by OpenCL (0 = unknown)");
        return (flops, source);
    }
}
