namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// The device attributes this backend queries (<c>CUdevice_attribute</c>, <c>enum CUdevice_attribute_enum</c> in
/// cuda.h of CUDA 12.6, read from zspace/system.cuda-12.6 include/cuda.h).
/// </summary>
internal enum CuDeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxSharedMemoryPerBlock = 8,

    /// <summary>Typical (boost) core clock in kilohertz.</summary>
    ClockRate = 13,
    MultiprocessorCount = 16,

    /// <summary>Peak memory clock in kilohertz.</summary>
    MemoryClockRate = 36,

    /// <summary>Global memory bus width in bits.</summary>
    GlobalMemoryBusWidth = 37,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
}
