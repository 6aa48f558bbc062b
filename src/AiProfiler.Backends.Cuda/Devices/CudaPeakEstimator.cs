using System.Globalization;

namespace AiProfiler.Backends.Cuda.Devices;

/// <summary>
/// Peak FLOP/s and bandwidth from a device's properties. These are upper bounds at the reported (boost) clock;
/// sustained clocks under load are often lower, so measured MFU is conservative rather than flattering.
/// </summary>
internal static class CudaPeakEstimator
{
    /// <summary>
    /// FP32 lanes (results of a 32-bit add, multiply or multiply-add per clock) per multiprocessor by compute
    /// capability: the "Throughput of Native Arithmetic Instructions" table of the CUDA C++ Programming Guide
    /// (3.x: 192; 5.x: 128; 6.0: 64; 6.1, 6.2: 128; 7.x: 64; 8.0: 64; 8.6, 8.7, 8.9: 128; 9.0: 128), extended with
    /// 128 for 10.x and 12.x (Blackwell, whose SMs keep Hopper's 128 FP32 cores).
    /// </summary>
    internal static int Fp32LanesPerMultiprocessor(int major, int minor) => (major, minor) switch
    {
        (3, _) => 192,
        (5, _) => 128,
        (6, 0) => 64,
        (6, _) => 128,
        (7, _) => 64,
        (8, 0) => 64,
        _ => 128,
    };

    /// <summary>
    /// Dense fp16/bf16 tensor-core FLOPs per clock per multiprocessor, from NVIDIA's architecture whitepapers (a
    /// fused multiply-add counts 2): Volta 7.0 and Turing 7.5: 8 tensor cores × 64 FMA → 1024 (fp16 only); GA100 8.0 and
    /// GA10B 8.7: 2048; GA10x 8.6 and Ada 8.9: 1024; Hopper 9.0: 4096; Blackwell 10.x: 8192; Blackwell 12.x: 1024.
    /// Consumer parts (8.6, 8.9, 12.x) halve this with fp32 accumulation, which cuBLAS uses here, so their figure is an
    /// upper bound. Null before Volta.
    /// </summary>
    internal static int? TensorFlopsPerClockPerMultiprocessor(int major, int minor) => (major, minor) switch
    {
        (7, _) => 1024,
        (8, 0) or (8, 7) => 2048,
        (8, _) => 1024,
        (9, _) => 4096,
        (10, _) => 8192,
        (>= 11, _) => 1024,
        _ => null,
    };

    /// <summary>Whether the device has bf16 tensor cores (compute capability 8.0 and later).</summary>
    internal static bool HasBFloat16TensorCores(int major) => major >= 8;

    internal static CudaPeakEstimate Estimate(CudaDeviceProperties device)
    {
        var clockHz = device.ClockRateKHz * 1e3;
        var lanes = Fp32LanesPerMultiprocessor(device.ComputeCapabilityMajor, device.ComputeCapabilityMinor);
        var fp32 = device.MultiprocessorCount * clockHz * 2 * lanes;
        var tensorPerClock = TensorFlopsPerClockPerMultiprocessor(device.ComputeCapabilityMajor, device.ComputeCapabilityMinor);
        double? tensor = tensorPerClock is { } perClock ? device.MultiprocessorCount * clockHz * perClock : null;

        // Double data rate: the reported memory clock transfers twice per cycle across the whole bus.
        var bandwidth = 2 * device.MemoryClockRateKHz * 1e3 * device.MemoryBusWidthBits / 8;

        var source = string.Create(CultureInfo.InvariantCulture,
            $"sm_{device.Architecture}: fp32 = {device.MultiprocessorCount} SMs × {device.ClockRateKHz / 1e3:0} MHz × 2 × {lanes} FP32 lanes");
        if (tensorPerClock is { } t)
        {
            source += string.Create(CultureInfo.InvariantCulture, $"; fp16/bf16 = SMs × clock × {t} dense tensor FLOP/clock");
        }

        source += string.Create(CultureInfo.InvariantCulture,
            $"; bandwidth = 2 × {device.MemoryClockRateKHz / 1e3:0} MHz × {device.MemoryBusWidthBits} bit / 8");
        return new CudaPeakEstimate(fp32, tensor, bandwidth, source);
    }
}
