namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// The seam between the NVML sampler's logic and the native library: one method per NVML call the sampler makes,
/// returning NVML's status and values already copied out of native structs. <see cref="NvmlNativeApi"/> calls
/// libnvidia-ml; tests drive the sampler with recorded values.
/// </summary>
internal interface INvmlApi
{
    NvmlReturn Init();

    NvmlReturn Shutdown();

    NvmlReturn GetDriverVersion(out string version);

    NvmlReturn GetDeviceCount(out uint count);

    NvmlReturn GetDeviceHandle(uint index, out nint device);

    NvmlReturn GetName(nint device, out string name);

    NvmlReturn GetUuid(nint device, out string uuid);

    NvmlReturn GetPciBusId(nint device, out string busId);

    NvmlReturn GetUtilization(nint device, out NvmlUtilization utilization);

    NvmlReturn GetMemory(nint device, out NvmlMemoryInfo memory);

    NvmlReturn GetPowerUsage(nint device, out uint milliwatts);

    NvmlReturn GetEnforcedPowerLimit(nint device, out uint milliwatts);

    NvmlReturn GetTotalEnergyConsumption(nint device, out ulong millijoules);

    NvmlReturn GetTemperature(nint device, out uint celsius);

    NvmlReturn GetClock(nint device, NvmlClockType type, out uint megahertz);

    NvmlReturn GetMaxClock(nint device, NvmlClockType type, out uint megahertz);

    NvmlReturn GetPcieThroughput(nint device, NvmlPcieUtilCounter counter, out uint kilobytesPerSecond);

    NvmlReturn GetClocksEventReasons(nint device, out ulong reasons);

    NvmlReturn GetFanSpeed(nint device, out uint percent);

    NvmlReturn GetComputeProcesses(nint device, out IReadOnlyList<NvmlComputeProcess> processes);

    NvmlReturn GpmQueryDeviceSupport(nint device, out bool supported);

    NvmlReturn GpmSampleAlloc(out nint sample);

    NvmlReturn GpmSampleFree(nint sample);

    NvmlReturn GpmSampleGet(nint device, nint sample);

    /// <summary>Computes <paramref name="metrics"/> between two samples into <paramref name="values"/> (same length).</summary>
    NvmlReturn GpmMetricsGet(nint sample1, nint sample2, ReadOnlySpan<NvmlGpmMetricId> metrics, Span<NvmlGpmValue> values);
}
