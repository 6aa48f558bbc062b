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

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
