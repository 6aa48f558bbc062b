namespace AiProfiler.Telemetry;

/// <summary>
/// The <c>Samplers</c> configuration section: where the Linux samplers read (<see cref="ProcRoot"/>,
/// <see cref="SysRoot"/>) and, per sampler name, whether it runs and how often.
/// </summary>
/// <example>
/// <code>
/// "Samplers": {
///   "ProcRoot": "/host/proc",
///   "nvml": { "IntervalSeconds": 0.5 },
///   "hwmon": { "Enabled": false }
/// }
/// </code>
/// </example>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Samplers";

    /// <summary>Root of the proc file system; a container that mounts the host's at another path sets it. Default <c>/proc</c>.</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>Root of the sysfs file system. Default <c>/sys</c>.</summary>
    public string SysRoot { get; set; } = "/sys";

    /// <summary>Settings per sampler name (case-insensitive); a sampler not listed runs with <see cref="SamplerOptions"/> defaults.</summary>
    public IDictionary<string, SamplerOptions> Samplers { get; } = new Dictionary<string, SamplerOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Values in the configuration that could not be read; reported when the sampler host starts.</summary>
    internal List<string> Problems { get; } = [];

    /// <summary>The settings of one sampler, or the defaults when the configuration does not mention it.</summary>
    public SamplerOptions For(string samplerName) =>
        Samplers.TryGetValue(samplerName, out var options) ? options : new SamplerOptions();
}
