using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CuDeviceAttributeTests
{
    [Fact]
    public void Members_MatchCudaHeader() =>
        // cuda.h of CUDA 12.6, enum CUdevice_attribute_enum.
        HeaderEnum.AssertMatches<CuDeviceAttribute>(
            ("MaxThreadsPerBlock", "CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK", 1),
            ("MaxSharedMemoryPerBlock", "CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK", 8),
            ("ClockRate", "CU_DEVICE_ATTRIBUTE_CLOCK_RATE", 13),
            ("MultiprocessorCount", "CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT", 16),
            ("MemoryClockRate", "CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE", 36),
            ("GlobalMemoryBusWidth", "CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH", 37),
            ("ComputeCapabilityMajor", "CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR", 75),
            ("ComputeCapabilityMinor", "CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR", 76));
}
