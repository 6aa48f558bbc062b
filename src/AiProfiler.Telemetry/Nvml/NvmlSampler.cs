using System.Globalization;
using AiProfiler.Abstractions.Sampling;
using Microsoft.Extensions.Logging;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// Every NVIDIA GPU through NVML: identity, utilization, memory, power and energy, temperature, clocks, PCIe
/// throughput, clock event reasons, fan, per-process memory and, on Hopper and newer, the GPM metrics. A field the GPU
/// does not support is absent; a GPU that falls off the bus is reported in <c>aiprofiler_gpu_lost</c> and logged once,
/// and the others keep being served.
/// </summary>
internal sealed partial class NvmlSampler : ISampler
{
    private static readonly NvmlGpmMetricId[] GpmMetrics =
    [
        NvmlGpmMetricId.SmUtil,
        NvmlGpmMetricId.SmOccupancy,
        NvmlGpmMetricId.AnyTensorUtil,
        NvmlGpmMetricId.DramBwUtil,
        NvmlGpmMetricId.Fp64Util,
        NvmlGpmMetricId.Fp32Util,
        NvmlGpmMetricId.Fp16Util,
    ];

    private static readonly (string Metric, string Description)[] GpmSeries =
    [
        ("gpu_sm_utilization", "Fraction of SMs busy (GPM)."),
        ("gpu_sm_occupancy", "Fraction of resident warps against the SMs' maximum (GPM)."),
        ("gpu_tensor_utilization", "Fraction of time the SMs ran any tensor-core instruction (GPM)."),
        ("gpu_dram_bandwidth_utilization", "Fraction of the peak DRAM bandwidth used (GPM)."),
        ("gpu_fp64_utilization", "Fraction of time the SMs ran non-tensor FP64 math (GPM)."),
        ("gpu_fp32_utilization", "Fraction of time the SMs ran non-tensor FP32 math (GPM)."),
        ("gpu_fp16_utilization", "Fraction of time the SMs ran non-tensor FP16 math (GPM)."),
    ];

    private static readonly (NvmlClockType Type, string Label)[] Clocks = [(NvmlClockType.Sm, "sm"), (NvmlClockType.Mem, "memory")];

    private readonly Func<NvmlOpenResult> _open;
    private readonly string _procRoot;
    private readonly ILogger _logger;
    private readonly List<NvmlGpu> _gpus = [];
    private INvmlApi? _api;
    private string _driverVersion = "unknown";

    public NvmlSampler(string procRoot, ILogger<NvmlSampler> logger)
        : this(NvmlNativeApi.Open, procRoot, logger)
    {
    }

    internal NvmlSampler(Func<NvmlOpenResult> open, string procRoot, ILogger logger)
    {
        _open = open;
        _procRoot = procRoot;
        _logger = logger;
    }

    public string Name => "nvml";

    public string? Start()
    {
        var (api, reason) = _open();
        if (api is null)
        {
            return reason ?? "NVML could not be opened";
        }

        var result = api.Init();
        if (result != NvmlReturn.Success)
        {
            return $"nvmlInit_v2 failed: {NvmlErrors.Describe(result)}";
        }

        _api = api;
        if (api.GetDriverVersion(out var version) == NvmlReturn.Success)
        {
            _driverVersion = version;
        }

        result = api.GetDeviceCount(out var count);
        if (result != NvmlReturn.Success || count == 0)
        {
            Shutdown();
            return result != NvmlReturn.Success ? $"nvmlDeviceGetCount_v2 failed: {NvmlErrors.Describe(result)}" : "no NVIDIA GPU found";
        }

        for (var index = 0u; index < count; index++)
        {
            OpenGpu(api, index);
        }

        if (_gpus.Count == 0)
        {
            Shutdown();
            return "no NVIDIA GPU could be opened";
        }

        return null;
    }

    public void Collect(IMetricWriter writer)
    {
        if (_api is null)
        {
            return;
        }

        var processNames = new Dictionary<uint, string>();
        foreach (var gpu in _gpus)
        {
            if (!gpu.Lost)
            {
                CollectGpu(_api, gpu, writer, processNames);
            }

            writer.Gauge("gpu_lost", string.Empty, "1 if the GPU has fallen off the bus or become inaccessible, else 0.", gpu.Lost ? 1 : 0, Label.Of("gpu", gpu.Index));
        }
    }

    public void Dispose() => Shutdown();

    private void OpenGpu(INvmlApi api, uint index)
    {
        var result = api.GetDeviceHandle(index, out var handle);
        if (result != NvmlReturn.Success)
        {
            if (result == NvmlReturn.GpuIsLost)
            {
                var lost = new NvmlGpu(index, 0, "unknown", "unknown", "unknown") { Lost = true };
                _gpus.Add(lost);
                LogGpuLost(lost.Index, lost.Uuid, "nvmlDeviceGetHandleByIndex_v2", NvmlErrors.Describe(result));
            }
            else
            {
                LogGpuSkipped(index, NvmlErrors.Describe(result));
            }

            return;
        }

        var name = api.GetName(handle, out var n) == NvmlReturn.Success ? n : "unknown";
        var uuid = api.GetUuid(handle, out var u) == NvmlReturn.Success ? u : "unknown";
        var busId = api.GetPciBusId(handle, out var b) == NvmlReturn.Success ? b : "unknown";
        var gpu = new NvmlGpu(index, handle, name, uuid, busId);
        gpu.GpmSupported = api.GpmQueryDeviceSupport(handle, out var gpm) == NvmlReturn.Success && gpm;
        _gpus.Add(gpu);
    }

    private void CollectGpu(INvmlApi api, NvmlGpu gpu, IMetricWriter writer, Dictionary<uint, string> processNames)
    {
        var g = Label.Of("gpu", gpu.Index);
        var h = gpu.Handle;
        writer.Gauge(
            "gpu_info",
            string.Empty,
            "Identity of the GPU; the value is always 1.",
            1,
            g,
            Label.Of("uuid", gpu.Uuid),
            Label.Of("name", gpu.Name),
            Label.Of("pci_bus_id", gpu.BusId),
            Label.Of("driver_version", _driverVersion));

        if (Wants(gpu, "utilization") && Read(gpu, "utilization", api.GetUtilization(h, out var utilization)))
        {
            writer.Gauge("gpu_utilization", "1", "Fraction of the last sample period one or more kernels ran on the GPU.", utilization.Gpu / 100d, g);
            writer.Gauge("gpu_memory_utilization", "1", "Fraction of the last sample period device memory was read or written.", utilization.Memory / 100d, g);
        }

        if (Wants(gpu, "memory") && Read(gpu, "memory", api.GetMemory(h, out var memory)))
        {
            writer.Gauge("gpu_memory_total", "By", "Device memory installed (less ECC).", memory.Total, g);
            writer.Gauge("gpu_memory_used", "By", "Device memory allocated, including the reserved part.", memory.Used, g);
            writer.Gauge("gpu_memory_free", "By", "Device memory not allocated.", memory.Free, g);
            if (memory.Reserved is { } reserved)
            {
                writer.Gauge("gpu_memory_reserved", "By", "Device memory reserved by the driver and firmware.", reserved, g);
            }
        }

        if (Wants(gpu, "power") && Read(gpu, "power", api.GetPowerUsage(h, out var milliwatts)))
        {
            writer.Gauge("gpu_power", "W", "Power drawn by the GPU and its memory.", milliwatts / 1000d, g);
        }

        if (Wants(gpu, "power_limit") && Read(gpu, "power_limit", api.GetEnforcedPowerLimit(h, out var limit)))
        {
            writer.Gauge("gpu_power_limit", "W", "Power limit the driver enforces after all limiters.", limit / 1000d, g);
        }

        if (Wants(gpu, "energy") && Read(gpu, "energy", api.GetTotalEnergyConsumption(h, out var millijoules)))
        {
            writer.Counter("gpu_energy", "J", "Energy the GPU consumed since the driver was loaded.", millijoules / 1000d, g);
        }

        if (Wants(gpu, "temperature") && Read(gpu, "temperature", api.GetTemperature(h, out var celsius)))
        {
            writer.Gauge("gpu_temperature", "Cel", "GPU die temperature.", celsius, g);
        }

        foreach (var (type, label) in Clocks)
        {
            var current = "clock_" + label;
            if (Wants(gpu, current) && Read(gpu, current, api.GetClock(h, type, out var mhz)))
            {
                writer.Gauge("gpu_clock", "Hz", "Current clock per domain.", mhz * 1e6, g, Label.Of("clock", label));
            }

            var max = "clock_max_" + label;
            if (Wants(gpu, max) && Read(gpu, max, api.GetMaxClock(h, type, out var maxMhz)))
            {
                writer.Gauge("gpu_clock_max", "Hz", "Highest clock per domain.", maxMhz * 1e6, g, Label.Of("clock", label));
            }
        }

        CollectPcie(api, gpu, writer, NvmlPcieUtilCounter.RxBytes, "rx");
        CollectPcie(api, gpu, writer, NvmlPcieUtilCounter.TxBytes, "tx");

        if (Wants(gpu, "clock_event_reasons") && Read(gpu, "clock_event_reasons", api.GetClocksEventReasons(h, out var reasons)))
        {
            foreach (var (bit, reason) in NvmlClocksEventReasons.All)
            {
                writer.Gauge("gpu_clock_event_reason", string.Empty, "1 while the reason holds the clocks down (throttling), else 0.", (reasons & bit) != 0 ? 1 : 0, g, Label.Of("reason", reason));
            }
        }

        if (Wants(gpu, "fan") && Read(gpu, "fan", api.GetFanSpeed(h, out var percent)))
        {
            writer.Gauge("gpu_fan_speed", "1", "Intended fan speed as a fraction of the maximum; can exceed 1.", percent / 100d, g);
        }

        if (Wants(gpu, "processes") && Read(gpu, "processes", api.GetComputeProcesses(h, out var processes)))
        {
            foreach (var process in processes)
            {
                if (process.UsedGpuMemory is { } used)
                {
                    writer.Gauge(
                        "gpu_process_memory_used",
                        "By",
                        "Device memory used by a process with a compute context on the GPU.",
                        used,
                        g,
                        Label.Of("pid", process.Pid.ToString(CultureInfo.InvariantCulture)),
                        Label.Of("process", ProcessName(process.Pid, processNames)));
                }
            }
        }

        CollectGpm(api, gpu, writer);
    }

    private void CollectPcie(INvmlApi api, NvmlGpu gpu, IMetricWriter writer, NvmlPcieUtilCounter counter, string direction)
    {
        var field = "pcie_" + direction;
        if (Wants(gpu, field) && Read(gpu, field, api.GetPcieThroughput(gpu.Handle, counter, out var kilobytes)))
        {
            // NVML counts PCIe traffic at 1 KB granularity; like nvidia-smi, a KB is taken as 1024 bytes.
            writer.Gauge("gpu_pcie_throughput", "By/s", "PCIe throughput over NVML's 20 ms window.", kilobytes * 1024d, Label.Of("gpu", gpu.Index), Label.Of("direction", direction));
        }
    }

    private void CollectGpm(INvmlApi api, NvmlGpu gpu, IMetricWriter writer)
    {
        if (!gpu.GpmSupported || !Wants(gpu, "gpm"))
        {
            return;
        }

        if (gpu.GpmCurrent == 0)
        {
            if (!Read(gpu, "gpm", api.GpmSampleAlloc(out var first)))
            {
                return;
            }

            if (!Read(gpu, "gpm", api.GpmSampleAlloc(out var second)))
            {
                api.GpmSampleFree(first);
                return;
            }

            gpu.GpmPrevious = first;
            gpu.GpmCurrent = second;
        }

        if (!Read(gpu, "gpm", api.GpmSampleGet(gpu.Handle, gpu.GpmCurrent)))
        {
            return;
        }

        if (gpu.GpmHasPrevious)
        {
            Span<NvmlGpmValue> values = stackalloc NvmlGpmValue[GpmMetrics.Length];
            if (Read(gpu, "gpm", api.GpmMetricsGet(gpu.GpmPrevious, gpu.GpmCurrent, GpmMetrics, values)))
            {
                for (var i = 0; i < GpmMetrics.Length; i++)
                {
                    if (values[i].Return == NvmlReturn.Success)
                    {
                        writer.Gauge(GpmSeries[i].Metric, "1", GpmSeries[i].Description, values[i].Value / 100d, Label.Of("gpu", gpu.Index));
                    }
                }
            }
        }

        // The sample just taken is the start of the next interval.
        (gpu.GpmPrevious, gpu.GpmCurrent) = (gpu.GpmCurrent, gpu.GpmPrevious);
        gpu.GpmHasPrevious = true;
    }

    private static bool Wants(NvmlGpu gpu, string field) => !gpu.Lost && !gpu.Unsupported.Contains(field);

    /// <summary>True on success; otherwise records why the field is absent (unsupported, GPU lost, or logged once).</summary>
    private bool Read(NvmlGpu gpu, string field, NvmlReturn result)
    {
        switch (result)
        {
            case NvmlReturn.Success:
                return true;
            case NvmlReturn.NotSupported or NvmlReturn.FunctionNotFound:
                gpu.Unsupported.Add(field);
                return false;
            case NvmlReturn.GpuIsLost:
                gpu.Lost = true;
                LogGpuLost(gpu.Index, gpu.Uuid, field, NvmlErrors.Describe(result));
                return false;
            default:
                if (gpu.Logged.Add((field, result)))
                {
                    LogFieldFailed(gpu.Index, field, NvmlErrors.Describe(result));
                }

                return false;
        }
    }

    private string ProcessName(uint pid, Dictionary<uint, string> names)
    {
        if (!names.TryGetValue(pid, out var name))
        {
            // NVML reports host PIDs; inside a container without the host's /proc the name is unknown.
            var path = Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture), "comm");
            name = Linux.SysfsValue.TryReadText(path, out var comm) && comm.Trim().Length > 0 ? comm.Trim() : "unknown";
            names[pid] = name;
        }

        return name;
    }

    private void Shutdown()
    {
        if (_api is null)
        {
            return;
        }

        foreach (var gpu in _gpus)
        {
            if (gpu.GpmCurrent != 0)
            {
                _api.GpmSampleFree(gpu.GpmCurrent);
                _api.GpmSampleFree(gpu.GpmPrevious);
                gpu.GpmCurrent = 0;
                gpu.GpmPrevious = 0;
            }
        }

        _api.Shutdown();
        _api = null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "GPU {Gpu} ({Uuid}) is lost ({Field}: {Reason}); it is reported in aiprofiler_gpu_lost and no longer queried, the other GPUs are still sampled")]
    private partial void LogGpuLost(string gpu, string uuid, string field, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GPU {Index} is skipped: nvmlDeviceGetHandleByIndex_v2 failed: {Reason}")]
    private partial void LogGpuSkipped(uint index, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GPU {Gpu}: reading {Field} failed: {Reason}; the field is left out while it fails")]
    private partial void LogFieldFailed(string gpu, string field, string reason);
}
