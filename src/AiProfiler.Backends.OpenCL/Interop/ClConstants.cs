namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>The values of the OpenCL enumerants the backend uses, as Khronos' <c>CL/cl.h</c> defines them.</summary>
internal static class ClConstants
{
    public const int Success = 0;
    public const int InvalidKernelName = -46;
    public const int BuildProgramFailure = -11;
    public const int MemObjectAllocationFailure = -4;
    public const int OutOfResources = -5;
    public const int OutOfHostMemory = -6;

    /// <summary>CL_PLATFORM_NOT_FOUND_KHR (cl_khr_icd): the ICD loader found no vendor driver.</summary>
    public const int PlatformNotFoundKhr = -1001;

    public const uint True = 1;

    // cl_platform_info
    public const uint PlatformName = 0x0902;

    // cl_device_type
    public const ulong DeviceTypeCpu = 1 << 1;
    public const ulong DeviceTypeGpu = 1 << 2;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;

    // cl_device_info
    public const uint DeviceType = 0x1000;
    public const uint DeviceVendorId = 0x1001;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DevicePreferredVectorWidthFloat = 0x100A;
    public const uint DeviceMaxClockFrequency = 0x100C;
    public const uint DeviceMaxMemAllocSize = 0x1010;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceName = 0x102B;
    public const uint DriverVersion = 0x102D;
    public const uint DeviceNativeVectorWidthFloat = 0x103A;

    // cl_context_properties
    public const nint ContextPlatform = 0x1084;

    // cl_command_queue_properties
    public const ulong QueueProfilingEnable = 1 << 1;

    // cl_mem_flags
    public const ulong MemReadWrite = 1 << 0;

    // cl_program_build_info
    public const uint ProgramBuildLog = 0x1183;

    // cl_profiling_info
    public const uint ProfilingCommandEnd = 0x1283;
}
