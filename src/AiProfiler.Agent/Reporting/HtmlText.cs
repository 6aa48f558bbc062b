using System.Globalization;
using System.Text.Encodings.Web;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// Escaping and number formatting for the page and the report. Every string that reaches HTML goes through
/// <see cref="Encode"/>: workload, device, implementation and shape names come from plugins and drivers.
/// </summary>
internal static class HtmlText
{
    /// <summary>Escapes <paramref name="text"/> for element content and quoted attribute values.</summary>
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>A rate with an SI prefix: <c>123 GFLOP/s</c>, <c>45.6 GB/s</c>.</summary>
    public static string Rate(double value, string unit)
    {
        if (double.IsNaN(value) || value <= 0)
        {
            return "–";
        }

        var (scale, prefix) = value switch
        {
            >= 1e15 => (1e15, "P"),
            >= 1e12 => (1e12, "T"),
            >= 1e9 => (1e9, "G"),
            >= 1e6 => (1e6, "M"),
            >= 1e3 => (1e3, "k"),
            _ => (1.0, ""),
        };
        return Invariant($"{Significant(value / scale)} {prefix}{unit}");
    }

    /// <summary>A duration in the unit that keeps it readable.</summary>
    public static string Seconds(double seconds) => seconds switch
    {
        double.NaN or <= 0 => "–",
        < 1e-3 => Invariant($"{Significant(seconds * 1e6)} µs"),
        < 1 => Invariant($"{Significant(seconds * 1e3)} ms"),
        _ => Invariant($"{Significant(seconds)} s"),
    };

    /// <summary>A 0–1 ratio as a percentage.</summary>
    public static string Percent(double ratio) => double.IsNaN(ratio) ? "–" : Invariant($"{ratio * 100:0.#} %");

    /// <summary>Three significant digits without exponent: 1.23, 12.3, 123.</summary>
    public static string Significant(double value) => Math.Abs(value) switch
    {
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>Formats with the invariant culture, so figures read the same on every machine.</summary>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
