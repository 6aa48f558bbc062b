using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// The NVML entry points, declared exactly as nvml.h (NVML API version 12) declares them: nvmlDevice_t and
/// nvmlGpmSample_t are opaque pointers, C enums are int-sized. The import name is resolved to the library that
/// <see cref="NvmlLibrary"/> loaded, so a missing library never reaches these declarations.
/// </summary>
internal static unsafe partial class NvmlNative
{
    private const string Library = NvmlLibrary.ImportName;

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlInit_v2();

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlShutdown();

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlSystemGetDriverVersion(byte* version, uint length);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetCount_v2(uint* deviceCount);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetHandleByIndex_v2(uint index, nint* device);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetName(nint device, byte* name, uint length);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetUUID(nint device, byte* uuid, uint length);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetPciInfo_v3(nint device, NvmlPciInfo* pci);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetUtilizationRates(nint device, NvmlUtilization* utilization);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetMemoryInfo(nint device, NvmlMemory* memory);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetMemoryInfo_v2(nint device, NvmlMemoryV2* memory);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetPowerUsage(nint device, uint* power);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetEnforcedPowerLimit(nint device, uint* limit);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetTotalEnergyConsumption(nint device, ulong* energy);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetTemperature(nint device, NvmlTemperatureSensor sensorType, uint* temp);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetClockInfo(nint device, NvmlClockType type, uint* clock);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetMaxClockInfo(nint device, NvmlClockType type, uint* clock);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetPcieThroughput(nint device, NvmlPcieUtilCounter counter, uint* value);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetCurrentClocksEventReasons(nint device, ulong* clocksEventReasons);

    /// <summary>The pre-12.2 name of nvmlDeviceGetCurrentClocksEventReasons, still exported and used when the new name is not.</summary>
    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetCurrentClocksThrottleReasons(nint device, ulong* clocksThrottleReasons);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetFanSpeed(nint device, uint* speed);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlDeviceGetComputeRunningProcesses_v3(nint device, uint* infoCount, NvmlProcessInfo* infos);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlGpmQueryDeviceSupport(nint device, NvmlGpmSupport* gpmSupport);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlGpmSampleAlloc(nint* gpmSample);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlGpmSampleFree(nint gpmSample);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlGpmSampleGet(nint device, nint gpmSample);

    [LibraryImport(Library)]
    public static partial NvmlReturn nvmlGpmMetricsGet(NvmlGpmMetricsGet* metricsGet);
}
