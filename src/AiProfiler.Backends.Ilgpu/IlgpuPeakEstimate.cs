using System.Globalization;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// Peaks of ILGPU devices from their properties, estimated as the native backends estimate the same hardware:
/// units × clock × fp32 lanes × 2 (an FMA is two FLOPs), and for CUDA bandwidth 2 × memory clock × bus width / 8.
/// </summary>
/// <remarks>
/// ILGPU reports both clocks in MHz: <see cref="CudaDevice.ClockRate"/> and <see cref="CudaDevice.MemoryClockRate"/>
/// are the driver's kHz attributes divided by 1000 (ILGPU's CudaDevice.InitDeviceInfo and InitMemoryInfo), and
/// <see cref="CLDevice.ClockRate"/> is CL_DEVICE_MAX_CLOCK_FREQUENCY, which OpenCL defines in MHz.
/// </remarks>
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

    public static IlgpuCudaPeak Cuda(CudaDevice device)
    {
        var arch = device.Architecture ?? new CudaArchitecture(0, 0);
        return Cuda(device.NumMultiprocessors, device.ClockRate, device.MemoryClockRate, device.MemoryBusWidth, arch.Major, arch.Minor);
    }

    /// <summary>The CUDA estimate from the device's figures, clocks in MHz as ILGPU gives them.</summary>
    public static IlgpuCudaPeak Cuda(int multiprocessors, int clockMhz, int memoryClockMhz, int busWidthBits, int major, int minor)
    {
        var lanes = CudaLanes(major, minor);
        var clockHz = clockMhz * 1e6;
        var flops = multiprocessors * clockHz * 2 * lanes;
        var bandwidth = 2.0 * memoryClockMhz * 1e6 * busWidthBits / 8;
        var source = string.Create(CultureInfo.InvariantCulture,
            $"sm_{major}{minor}: fp32 = {multiprocessors} SMs × {clockMhz} MHz × 2 × {lanes} FP32 lanes; bandwidth = 2 × {memoryClockMhz} MHz × {busWidthBits} bit / 8");
        return new IlgpuCudaPeak(clockHz, flops, bandwidth, source);
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
        return OpenCL(device.NumMultiprocessors, device.ClockRate, lanes);
    }

    /// <summary>The OpenCL estimate from compute units, the clock in MHz (CL_DEVICE_MAX_CLOCK_FREQUENCY) and lanes per unit.</summary>
    public static (double Flops, string Source) OpenCL(int computeUnits, int clockMhz, int lanes)
    {
        var clockHz = clockMhz * 1e6;
        var flops = computeUnits * clockHz * lanes * 2.0;
        var source = string.Create(CultureInfo.InvariantCulture,
            $"fp32 peak = {computeUnits} compute units × {clockHz / 1e9:0.###} GHz × {lanes} lanes × 2 (FMA); memory bandwidth is not reported by OpenCL (0 = unknown)");
        return (flops, source);
    }
}
