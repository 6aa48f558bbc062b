using System.Text.RegularExpressions;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>
/// The rule for which series may be missing on the machine the tests run on: GPU metrics (NVML), RAPL energy, cpufreq
/// frequency and hwmon temperatures, and any selection of devices by a kind other than <c>cpu</c>. Each of them exists
/// only where the hardware (or a privilege) does; everything else the dashboards query must have data everywhere.
/// </summary>
internal static partial class HardwareDependentSeries
{
    private static readonly string[] MetricPrefixes =
    [
        "aiprofiler_gpu_",
        "aiprofiler_host_rapl_",
        "aiprofiler_host_cpu_frequency",
        "aiprofiler_host_hwmon_",
    ];

    public static bool Matches(string metric, string matchers) =>
        MetricPrefixes.Any(p => metric.StartsWith(p, StringComparison.Ordinal))
        || KindMatcher().Matches(matchers).Any(m => m.Value.Replace(" ", "", StringComparison.Ordinal) != "kind=\"cpu\"");

    [GeneratedRegex("""kind\s*(?:=~|!~|!=|=)\s*"[^"]*"\s*""")]
    private static partial Regex KindMatcher();
}
