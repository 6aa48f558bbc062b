using System.Runtime.CompilerServices;
using AiProfiler.Telemetry.Nvml;

namespace AiProfiler.Telemetry.Tests.Nvml;

/// <summary>An <see cref="INvmlApi"/> that answers from <see cref="FakeGpu"/> recordings and counts calls.</summary>
internal sealed class FakeNvmlApi(params FakeGpu[] gpus) : INvmlApi
{
    private nint _nextSample = 0x1000;

    public NvmlReturn InitResult { get; init; } = NvmlReturn.Success;

    public Dictionary<string, int> Calls { get; } = [];

    public List<(nint Sample1, nint Sample2)> GpmPairs { get; } = [];

    public HashSet<nint> LiveSamples { get; } = [];

    public int Shutdowns { get; private set; }

    public NvmlReturn Init() => Count(InitResult);

    public NvmlReturn Shutdown()
    {
        Shutdowns++;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetDriverVersion(out string version)
    {
        version = "550.54.15";
        return NvmlReturn.Success;
    }

    public NvmlReturn GetDeviceCount(out uint count)
    {
        count = (uint)gpus.Length;
        return NvmlReturn.Success;
    }

    public NvmlReturn GetDeviceHandle(uint index, out nint device)
    {
        device = (nint)(index + 1);
        return gpus[index].Lost ? NvmlReturn.GpuIsLost : NvmlReturn.Success;
    }

    public NvmlReturn GetName(nint device, out string name) => Answer(device, Gpu(device).Name, out name);

    public NvmlReturn GetUuid(nint device, out string uuid) => Answer(device, Gpu(device).Uuid, out uuid);

    public NvmlReturn GetPciBusId(nint device, out string busId) => Answer(device, Gpu(device).BusId, out busId);

    public NvmlReturn GetUtilization(nint device, out NvmlUtilization utilization) => Answer(device, Gpu(device).Utilization, out utilization);

    public NvmlReturn GetMemory(nint device, out NvmlMemoryInfo memory) => Answer(device, Gpu(device).Memory, out memory);

    public NvmlReturn GetPowerUsage(nint device, out uint milliwatts) => Answer(device, Gpu(device).PowerMilliwatts, out milliwatts);

    public NvmlReturn GetEnforcedPowerLimit(nint device, out uint milliwatts) => Answer(device, Gpu(device).PowerLimitMilliwatts, out milliwatts);

    public NvmlReturn GetTotalEnergyConsumption(nint device, out ulong millijoules) => Answer(device, Gpu(device).EnergyMillijoules, out millijoules);

    public NvmlReturn GetTemperature(nint device, out uint celsius) => Answer(device, Gpu(device).TemperatureCelsius, out celsius);

    public NvmlReturn GetClock(nint device, NvmlClockType type, out uint megahertz) => Answer(device, Gpu(device).Clocks[type], out megahertz);

    public NvmlReturn GetMaxClock(nint device, NvmlClockType type, out uint megahertz) => Answer(device, Gpu(device).MaxClocks[type], out megahertz);

    public NvmlReturn GetPcieThroughput(nint device, NvmlPcieUtilCounter counter, out uint kilobytesPerSecond) =>
        Answer(device, counter == NvmlPcieUtilCounter.RxBytes ? Gpu(device).RxKilobytesPerSecond : Gpu(device).TxKilobytesPerSecond, out kilobytesPerSecond);

    public NvmlReturn GetClocksEventReasons(nint device, out ulong reasons) => Answer(device, Gpu(device).ClockEventReasons, out reasons);

    public NvmlReturn GetFanSpeed(nint device, out uint percent) => Answer(device, Gpu(device).FanPercent, out percent);

    public NvmlReturn GetComputeProcesses(nint device, out IReadOnlyList<NvmlComputeProcess> processes) =>
        Answer(device, (IReadOnlyList<NvmlComputeProcess>)Gpu(device).Processes, out processes);

    public NvmlReturn GpmQueryDeviceSupport(nint device, out bool supported) => Answer(device, Gpu(device).GpmSupported, out supported);

    public NvmlReturn GpmSampleAlloc(out nint sample)
    {
        sample = _nextSample++;
        LiveSamples.Add(sample);
        return Count(NvmlReturn.Success);
    }

    public NvmlReturn GpmSampleFree(nint sample)
    {
        LiveSamples.Remove(sample);
        return NvmlReturn.Success;
    }

    public NvmlReturn GpmSampleGet(nint device, nint sample) => Answer(device, true, out _);

    public NvmlReturn GpmMetricsGet(nint sample1, nint sample2, ReadOnlySpan<NvmlGpmMetricId> metrics, Span<NvmlGpmValue> values)
    {
        Count(NvmlReturn.Success);
        GpmPairs.Add((sample1, sample2));
        var gpu = gpus.First(g => g.GpmSupported);
        for (var i = 0; i < metrics.Length; i++)
        {
            values[i] = gpu.Gpm.TryGetValue(metrics[i], out var percent)
                ? new NvmlGpmValue(NvmlReturn.Success, percent)
                : new NvmlGpmValue(NvmlReturn.NotSupported, 0);
        }

        return NvmlReturn.Success;
    }

    private FakeGpu Gpu(nint device) => gpus[(int)device - 1];

    private NvmlReturn Answer<T>(nint device, T recorded, out T value, [CallerMemberName] string method = "")
    {
        var gpu = Gpu(device);
        Calls[method] = Calls.GetValueOrDefault(method) + 1;
        value = recorded;
        if (gpu.Lost)
        {
            value = default!;
            return NvmlReturn.GpuIsLost;
        }

        if (gpu.Failures.TryGetValue(method, out var failure))
        {
            value = default!;
            return failure;
        }

        return NvmlReturn.Success;
    }

    private NvmlReturn Count(NvmlReturn result, [CallerMemberName] string method = "")
    {
        Calls[method] = Calls.GetValueOrDefault(method) + 1;
        return result;
    }
}
