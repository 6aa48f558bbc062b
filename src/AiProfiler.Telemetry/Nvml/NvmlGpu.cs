namespace AiProfiler.Telemetry.Nvml;

/// <summary>What the NVML sampler keeps per GPU between collections.</summary>
internal sealed class NvmlGpu(uint index, nint handle, string name, string uuid, string busId)
{
    public string Index { get; } = index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public nint Handle { get; } = handle;

    public string Name { get; } = name;

    public string Uuid { get; } = uuid;

    public string BusId { get; } = busId;

    public bool Lost { get; set; }

    /// <summary>Fields that answered NOT_SUPPORTED (or a function the driver lacks); they are not asked again.</summary>
    public HashSet<string> Unsupported { get; } = new(StringComparer.Ordinal);

    /// <summary>(field, code) pairs already logged, so a failing field logs once.</summary>
    public HashSet<(string Field, NvmlReturn Code)> Logged { get; } = [];

    public bool GpmSupported { get; set; }

    public nint GpmPrevious { get; set; }

    public nint GpmCurrent { get; set; }

    public bool GpmHasPrevious { get; set; }
}
