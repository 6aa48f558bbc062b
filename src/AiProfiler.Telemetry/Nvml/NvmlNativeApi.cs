using System.Text;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// <see cref="INvmlApi"/> over the real library. Entry points newer than the installed driver are probed once with
/// NativeLibrary.TryGetExport and answer FunctionNotFound instead of throwing EntryPointNotFoundException.
/// </summary>
internal sealed unsafe class NvmlNativeApi : INvmlApi
{
    /// <summary>NVML_DEVICE_NAME_V2_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE and NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE are 96, 96 and 80.</summary>
    private const int StringBufferSize = 96;

    private static readonly string[] RequiredExports = ["nvmlInit_v2", "nvmlShutdown", "nvmlDeviceGetCount_v2", "nvmlDeviceGetHandleByIndex_v2"];

    private readonly bool _hasMemoryV2;
    private readonly bool _hasEventReasons;
    private readonly bool _hasThrottleReasons;
    private readonly bool _hasProcessesV3;
    private readonly bool _hasGpm;

    private NvmlNativeApi(nint library)
    {
        _hasMemoryV2 = NvmlLibrary.HasExport(library, "nvmlDeviceGetMemoryInfo_v2");
        _hasEventReasons = NvmlLibrary.HasExport(library, "nvmlDeviceGetCurrentClocksEventReasons");
        _hasThrottleReasons = NvmlLibrary.HasExport(library, "nvmlDeviceGetCurrentClocksThrottleReasons");
        _hasProcessesV3 = NvmlLibrary.HasExport(library, "nvmlDeviceGetComputeRunningProcesses_v3");
        _hasGpm = NvmlLibrary.HasExport(library, "nvmlGpmMetricsGet")
            && NvmlLibrary.HasExport(library, "nvmlGpmSampleAlloc")
            && NvmlLibrary.HasExport(library, "nvmlGpmQueryDeviceSupport");
    }

    public static NvmlOpenResult Open() => Open(NvmlLibrary.DefaultCandidates);

    public static NvmlOpenResult Open(IReadOnlyList<string> candidates)
    {
        var library = NvmlLibrary.TryLoad(candidates, out var reason);
        if (library == 0)
        {
            return new NvmlOpenResult(null, reason);
        }

        var missing = RequiredExports.FirstOrDefault(symbol => !NvmlLibrary.HasExport(library, symbol));
        return missing is null
            ? new NvmlOpenResult(new NvmlNativeApi(library), null)
            : new NvmlOpenResult(null, $"{candidates[0]} has no {missing} (driver older than NVML 5.319)");
    }

    public NvmlReturn Init() => NvmlNative.nvmlInit_v2();

    public NvmlReturn Shutdown() => NvmlNative.nvmlShutdown();

    public NvmlReturn GetDriverVersion(out string version)
    {
        var buffer = stackalloc byte[StringBufferSize];
        var result = NvmlNative.nvmlSystemGetDriverVersion(buffer, StringBufferSize);
        version = Decode(buffer, StringBufferSize);
        return result;
    }

    public NvmlReturn GetDeviceCount(out uint count)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetCount_v2(&value);
        count = value;
        return result;
    }

    public NvmlReturn GetDeviceHandle(uint index, out nint device)
    {
        nint handle;
        var result = NvmlNative.nvmlDeviceGetHandleByIndex_v2(index, &handle);
        device = handle;
        return result;
    }

    public NvmlReturn GetName(nint device, out string name)
    {
        var buffer = stackalloc byte[StringBufferSize];
        var result = NvmlNative.nvmlDeviceGetName(device, buffer, StringBufferSize);
        name = Decode(buffer, StringBufferSize);
        return result;
    }

    public NvmlReturn GetUuid(nint device, out string uuid)
    {
        var buffer = stackalloc byte[StringBufferSize];
        var result = NvmlNative.nvmlDeviceGetUUID(device, buffer, StringBufferSize);
        uuid = Decode(buffer, StringBufferSize);
        return result;
    }

    public NvmlReturn GetPciBusId(nint device, out string busId)
    {
        NvmlPciInfo pci;
        var result = NvmlNative.nvmlDeviceGetPciInfo_v3(device, &pci);
        busId = result == NvmlReturn.Success ? Decode(pci.BusId, 32) : string.Empty;
        return result;
    }

    public NvmlReturn GetUtilization(nint device, out NvmlUtilization utilization)
    {
        NvmlUtilization value;
        var result = NvmlNative.nvmlDeviceGetUtilizationRates(device, &value);
        utilization = value;
        return result;
    }

    public NvmlReturn GetMemory(nint device, out NvmlMemoryInfo memory)
    {
        if (_hasMemoryV2)
        {
            var v2 = new NvmlMemoryV2 { Version = NvmlMemoryV2.Version2 };
            var result = NvmlNative.nvmlDeviceGetMemoryInfo_v2(device, &v2);
            if (result != NvmlReturn.FunctionNotFound && result != NvmlReturn.ArgumentVersionMismatch)
            {
                memory = new NvmlMemoryInfo(v2.Total, v2.Used, v2.Free, v2.Reserved);
                return result;
            }
        }

        NvmlMemory v1;
        var legacy = NvmlNative.nvmlDeviceGetMemoryInfo(device, &v1);
        memory = new NvmlMemoryInfo(v1.Total, v1.Used, v1.Free, null);
        return legacy;
    }

    public NvmlReturn GetPowerUsage(nint device, out uint milliwatts)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetPowerUsage(device, &value);
        milliwatts = value;
        return result;
    }

    public NvmlReturn GetEnforcedPowerLimit(nint device, out uint milliwatts)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetEnforcedPowerLimit(device, &value);
        milliwatts = value;
        return result;
    }

    public NvmlReturn GetTotalEnergyConsumption(nint device, out ulong millijoules)
    {
        ulong value;
        var result = NvmlNative.nvmlDeviceGetTotalEnergyConsumption(device, &value);
        millijoules = value;
        return result;
    }

    public NvmlReturn GetTemperature(nint device, out uint celsius)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetTemperature(device, NvmlTemperatureSensor.Gpu, &value);
        celsius = value;
        return result;
    }

    public NvmlReturn GetClock(nint device, NvmlClockType type, out uint megahertz)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetClockInfo(device, type, &value);
        megahertz = value;
        return result;
    }

    public NvmlReturn GetMaxClock(nint device, NvmlClockType type, out uint megahertz)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetMaxClockInfo(device, type, &value);
        megahertz = value;
        return result;
    }

    public NvmlReturn GetPcieThroughput(nint device, NvmlPcieUtilCounter counter, out uint kilobytesPerSecond)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetPcieThroughput(device, counter, &value);
        kilobytesPerSecond = value;
        return result;
    }

    public NvmlReturn GetClocksEventReasons(nint device, out ulong reasons)
    {
        ulong value = 0;
        var result = _hasEventReasons
            ? NvmlNative.nvmlDeviceGetCurrentClocksEventReasons(device, &value)
            : _hasThrottleReasons
                ? NvmlNative.nvmlDeviceGetCurrentClocksThrottleReasons(device, &value)
                : NvmlReturn.FunctionNotFound;
        reasons = value;
        return result;
    }

    public NvmlReturn GetFanSpeed(nint device, out uint percent)
    {
        uint value;
        var result = NvmlNative.nvmlDeviceGetFanSpeed(device, &value);
        percent = value;
        return result;
    }

    public NvmlReturn GetComputeProcesses(nint device, out IReadOnlyList<NvmlComputeProcess> processes)
    {
        processes = [];
        if (!_hasProcessesV3)
        {
            return NvmlReturn.FunctionNotFound;
        }

        // The list can grow between the sizing call and the read, so retry a few times with the size NVML asked for.
        var capacity = 16u;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var infos = new NvmlProcessInfo[capacity];
            var count = capacity;
            NvmlReturn result;
            fixed (NvmlProcessInfo* pointer = infos)
            {
                result = NvmlNative.nvmlDeviceGetComputeRunningProcesses_v3(device, &count, pointer);
            }

            if (result == NvmlReturn.InsufficientSize)
            {
                capacity = Math.Max(count + 8, capacity * 2);
                continue;
            }

            if (result == NvmlReturn.Success)
            {
                var list = new NvmlComputeProcess[Math.Min(count, capacity)];
                for (var i = 0; i < list.Length; i++)
                {
                    var memory = infos[i].UsedGpuMemory;
                    list[i] = new NvmlComputeProcess(infos[i].Pid, memory == NvmlProcessInfo.ValueNotAvailable ? null : memory);
                }

                processes = list;
            }

            return result;
        }

        return NvmlReturn.InsufficientSize;
    }

    public NvmlReturn GpmQueryDeviceSupport(nint device, out bool supported)
    {
        supported = false;
        if (!_hasGpm)
        {
            return NvmlReturn.FunctionNotFound;
        }

        var support = new NvmlGpmSupport { Version = NvmlGpmSupport.CurrentVersion };
        var result = NvmlNative.nvmlGpmQueryDeviceSupport(device, &support);
        supported = result == NvmlReturn.Success && support.IsSupportedDevice != 0;
        return result;
    }

    public NvmlReturn GpmSampleAlloc(out nint sample)
    {
        nint value = 0;
        var result = _hasGpm ? NvmlNative.nvmlGpmSampleAlloc(&value) : NvmlReturn.FunctionNotFound;
        sample = value;
        return result;
    }

    public NvmlReturn GpmSampleFree(nint sample) =>
        _hasGpm ? NvmlNative.nvmlGpmSampleFree(sample) : NvmlReturn.FunctionNotFound;

    public NvmlReturn GpmSampleGet(nint device, nint sample) =>
        _hasGpm ? NvmlNative.nvmlGpmSampleGet(device, sample) : NvmlReturn.FunctionNotFound;

    public NvmlReturn GpmMetricsGet(nint sample1, nint sample2, ReadOnlySpan<NvmlGpmMetricId> metrics, Span<NvmlGpmValue> values)
    {
        if (!_hasGpm)
        {
            return NvmlReturn.FunctionNotFound;
        }

        if (metrics.Length > NvmlGpmMetricArray.Length || values.Length < metrics.Length)
        {
            return NvmlReturn.InvalidArgument;
        }

        var request = new NvmlGpmMetricsGet
        {
            Version = NvmlGpmMetricsGet.CurrentVersion,
            NumMetrics = (uint)metrics.Length,
            Sample1 = sample1,
            Sample2 = sample2,
        };
        for (var i = 0; i < metrics.Length; i++)
        {
            request.Metrics[i].MetricId = (uint)metrics[i];
        }

        var result = NvmlNative.nvmlGpmMetricsGet(&request);
        for (var i = 0; i < metrics.Length; i++)
        {
            values[i] = new NvmlGpmValue(request.Metrics[i].NvmlReturn, request.Metrics[i].Value);
        }

        return result;
    }

    /// <summary>Decodes a NUL-terminated C string from a fixed-size buffer (the header's buffers hold ASCII in practice).</summary>
    internal static string Decode(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }

    private static string Decode(byte* buffer, int length) => Decode(new ReadOnlySpan<byte>(buffer, length));
}
