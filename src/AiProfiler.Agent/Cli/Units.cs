using System.Globalization;

namespace AiProfiler.Agent.Cli;

/// <summary>Human formatting of durations, rates and sizes for tables.</summary>
internal static class Units
{
    public static string Seconds(double seconds) => seconds switch
    {
        double.NaN => "-",
        < 1e-3 => Invariant($"{seconds * 1e6:0.##} µs"),
        < 1 => Invariant($"{seconds * 1e3:0.###} ms"),
        _ => Invariant($"{seconds:0.###} s"),
    };

    public static string MeanAndDeviation(double mean, double stdev)
    {
        var (scale, unit) = mean switch
        {
            < 1e-3 => (1e6, "µs"),
            < 1 => (1e3, "ms"),
            _ => (1.0, "s"),
        };
        return Invariant($"{mean * scale:0.###} ± {stdev * scale:0.###} {unit}");
    }

    public static string Giga(double value) => Invariant($"{value / 1e9:0.##}");

    public static string Rate(double value) => value switch
    {
        >= 1e9 => Invariant($"{value / 1e9:0.##} G"),
        >= 1e6 => Invariant($"{value / 1e6:0.##} M"),
        >= 1e3 => Invariant($"{value / 1e3:0.##} k"),
        _ => Invariant($"{value:0.##}"),
    };

    public static string Percent(double ratio) => Invariant($"{ratio * 100:0.#}%");

    private static string Words(string name, string suffix) => name[..^suffix.Length].Replace('_', ' ');

    /// <summary>
    /// A plain decimal with four significant digits and never an exponent (<c>15523</c>, <c>0.001235</c>): statistics
    /// are read by people, who should not have to decode <c>1.552E+04</c>.
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return "-";
        }

        if (value == 0)
        {
            return "0";
        }

        var decimals = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15);
        return Math.Round(value, decimals).ToString("0.###############", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A workload measurement's name as a reader says it, with the formatter for its values, from the Prometheus-style
    /// suffix of the name: <c>prefill_tokens_per_second</c> is "prefill tokens/s", <c>ttft_seconds</c> a duration.
    /// </summary>
    public static (string Label, Func<double, string> Format) Measurement(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith("_bytes_per_second", StringComparison.Ordinal))
        {
            return (Words(name, "_bytes_per_second") + " GB/s", v => Giga(v));
        }

        if (name.EndsWith("_per_second", StringComparison.Ordinal))
        {
            return (Words(name, "_per_second") + "/s", Number);
        }

        if (name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            return (Words(name, "_seconds"), Seconds);
        }

        if (name.EndsWith("_ratio", StringComparison.Ordinal))
        {
            return (Words(name, "_ratio"), Percent);
        }

        return (Words(name, ""), Number);
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
