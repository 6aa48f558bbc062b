using System.Globalization;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// Estimates an OpenCL device's fp32 peak as compute units × clock × fp32 lanes per unit × 2 (one FMA is two FLOPs).
/// OpenCL does not report lanes per unit: for CPUs it is the native float vector width with one FMA pipe per compute
/// unit (a hardware thread; the CPU backend counts physical cores with two pipes each, the same on SMT hosts), for
/// GPUs it comes from the vendor's architecture. OpenCL reports no memory bandwidth either.
/// </summary>
internal static class OpenClPeakEstimate
{
    public const uint VendorNvidia = 0x10DE;
    public const uint VendorAmd = 0x1002;
    public const uint VendorIntel = 0x8086;

    /// <summary>The fp32 peak in FLOP/s and how it was estimated, in words for <c>PeakSource</c>.</summary>
    public static (double Flops, string Source) Estimate(ulong deviceType, uint vendorId, int computeUnits, double clockHz,
        uint nativeFloatWidth, uint preferredFloatWidth)
    {
        var (lanes, why) = LanesPerUnit(deviceType, vendorId, nativeFloatWidth, preferredFloatWidth);
        var flops = computeUnits * clockHz * lanes * 2.0;
        var source = string.Create(CultureInfo.InvariantCulture,
            $"fp32 peak = {computeUnits} compute units × {clockHz / 1e9:0.###} GHz × {lanes} lanes ({why}) × 2 (FMA); memory bandwidth is not reported by OpenCL (0 = unknown)");
        return (flops, source);
    }

    private static (int Lanes, string Why) LanesPerUnit(ulong deviceType, uint vendorId, uint nativeFloatWidth, uint preferredFloatWidth)
    {
        var vectorWidth = (int)Math.Max(1, Math.Max(nativeFloatWidth, preferredFloatWidth));
        if ((deviceType & ClConstants.DeviceTypeGpu) == 0)
        {
            return (vectorWidth, "CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, one FMA pipe per compute unit: CPU runtimes count hardware threads, and two SMT threads share a core's two pipes");
        }

        return vendorId switch
        {
            VendorNvidia => (128, "NVIDIA SM since Maxwell; 64 on GP100, V100 and A100"),
            VendorAmd => (64, "AMD compute unit, without RDNA3 dual issue"),
            VendorIntel => (8, "Intel GPU execution unit"),
            _ => (vectorWidth, "CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT of an unknown GPU vendor"),
        };
    }
}
