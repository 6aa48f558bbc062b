using AiProfiler.Telemetry.Nvml;

namespace AiProfiler.Telemetry.Tests.Nvml;

/// <summary>Recorded answers of one GPU; values in NVML's own units (mW, mJ, MHz, KB/s, percent).</summary>
internal sealed class FakeGpu
{
    public string Name { get; init; } = "NVIDIA H100 80GB HBM3";

    public string Uuid { get; init; } = "GPU-00000000-1111-2222-3333-444444444444";

    public string BusId { get; init; } = "00000000:17:00.0";

    public NvmlUtilization Utilization { get; init; } = new() { Gpu = 87, Memory = 42 };

    public NvmlMemoryInfo Memory { get; init; } = new(85_520_809_984, 20_000_000_000, 65_520_809_984, 567_345_152);

    public uint PowerMilliwatts { get; init; } = 312_456;

    public uint PowerLimitMilliwatts { get; init; } = 700_000;

    public ulong EnergyMillijoules { get; init; } = 123_456_789;

    public uint TemperatureCelsius { get; init; } = 64;

    public Dictionary<NvmlClockType, uint> Clocks { get; init; } = new() { [NvmlClockType.Sm] = 1980, [NvmlClockType.Mem] = 2619 };

    public Dictionary<NvmlClockType, uint> MaxClocks { get; init; } = new() { [NvmlClockType.Sm] = 1980, [NvmlClockType.Mem] = 2619 };

    public uint RxKilobytesPerSecond { get; init; } = 1000;

    public uint TxKilobytesPerSecond { get; init; } = 250;

    /// <summary>SW power cap (0x4) and HW thermal slowdown (0x40).</summary>
    public ulong ClockEventReasons { get; init; } = 0x44;

    public uint FanPercent { get; init; } = 45;

    public List<NvmlComputeProcess> Processes { get; init; } = [new(4242, 1_073_741_824), new(999_999, 2_147_483_648), new(31337, null)];

    public bool GpmSupported { get; init; }

    /// <summary>GPM values (percent) per metric, answered by every nvmlGpmMetricsGet.</summary>
    public Dictionary<NvmlGpmMetricId, double> Gpm { get; init; } = [];

    /// <summary>Calls (by seam method name) that answer an error instead of a value.</summary>
    public Dictionary<string, NvmlReturn> Failures { get; } = [];

    /// <summary>Once set, every call about this GPU answers GPU_IS_LOST, as when it falls off the bus.</summary>
    public bool Lost { get; set; }
}
