using System.Collections.Frozen;
using System.Text;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>
/// The project's naming convention: an instrument's name is the Prometheus base name without unit and without
/// <c>_total</c>; the exporter appends the unit word from the instrument's UCUM unit (unless the name already ends
/// with it) and <c>_total</c> on counters. Characters Prometheus does not allow become <c>_</c>.
/// </summary>
internal static class PrometheusNaming
{
    private const string TotalSuffix = "_total";

    // UCUM codes (as OpenTelemetry instruments carry them) and the words Prometheus names use for them.
    private static readonly FrozenDictionary<string, string> UnitWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tebibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["bit"] = "bits",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
        ["FLOP"] = "flops",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The denominator of a rate unit ("By/s") reads in the singular: bytes_per_second.
    private static readonly FrozenDictionary<string, string> PerUnitWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["min"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
        ["By"] = "byte",
        ["FLOP"] = "flop",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Names one OpenTelemetry metric the Prometheus way, or null for a type the text formats cannot carry.</summary>
    public static PrometheusMetricName? ForMetric(string instrumentName, string? unit, MetricType type)
    {
        if (KindOf(type) is not { } kind)
        {
            return null;
        }

        var name = SanitizeMetricName(instrumentName);
        if (kind == PrometheusMetricKind.Counter && name.EndsWith(TotalSuffix, StringComparison.Ordinal) && name.Length > TotalSuffix.Length)
        {
            name = name[..^TotalSuffix.Length];
        }

        var unitWord = UnitWord(unit, isGauge: type is MetricType.LongGauge or MetricType.DoubleGauge);
        if (unitWord is not null && !name.EndsWith("_" + unitWord, StringComparison.Ordinal) && name != unitWord)
        {
            name = name + "_" + unitWord;
        }

        return new PrometheusMetricName(name, kind, unitWord);
    }

    /// <summary>The Prometheus type an OpenTelemetry metric type is shown as, or null for the ones the text formats cannot carry.</summary>
    /// <remarks>
    /// Exponential histograms are left out: their buckets only fit Prometheus' native histograms, which need the
    /// protobuf format; configure an explicit-bucket view for anything that should reach Prometheus.
    /// </remarks>
    public static PrometheusMetricKind? KindOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => PrometheusMetricKind.Counter,
        MetricType.Histogram => PrometheusMetricKind.Histogram,
        MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => PrometheusMetricKind.Gauge,
        _ => null,
    };

    /// <summary>
    /// The unit word for a UCUM unit: <c>s</c> → <c>seconds</c>, <c>By/s</c> → <c>bytes_per_second</c>; annotations in
    /// braces (<c>{run}</c>) say what is counted and add nothing; <c>1</c> marks a 0–1 ratio on gauges only, since on a
    /// count it just means "dimensionless". Unknown units are kept, sanitised.
    /// </summary>
    public static string? UnitWord(string? unit, bool isGauge)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return null;
        }

        var bare = RemoveAnnotations(unit).Trim();
        if (bare.Length == 0)
        {
            return null;
        }

        if (bare == "1")
        {
            return isGauge ? "ratio" : null;
        }

        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Word(bare, UnitWords);
        }

        var numerator = bare[..slash].Trim();
        var denominator = bare[(slash + 1)..].Trim();
        var perWord = Word(denominator, PerUnitWords) ?? Word(denominator, UnitWords);
        var numeratorWord = numerator is "" or "1" ? null : Word(numerator, UnitWords);
        if (perWord is null)
        {
            return numeratorWord;
        }

        return numeratorWord is null ? "per_" + perWord : numeratorWord + "_per_" + perWord;
    }

    /// <summary>
    /// Makes a metric name match <c>[a-zA-Z_][a-zA-Z0-9_]*</c>: other characters (including the colon, which is
    /// reserved for recording rules) become <c>_</c>, runs of <c>_</c> collapse, and a leading digit gets a <c>_</c>.
    /// </summary>
    public static string SanitizeMetricName(string name)
    {
        if (IsValidName(name) && !name.Contains("__", StringComparison.Ordinal))
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var mapped = IsNameChar(c) ? c : '_';
            if (mapped == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(mapped);
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Makes an attribute key a label name: other characters become <c>_</c> (<c>service.name</c> → <c>service_name</c>);
    /// a name that would start with a digit or with the reserved <c>__</c> gets a <c>key_</c> prefix.
    /// </summary>
    public static string SanitizeLabelName(string key)
    {
        if (IsValidName(key) && !key.StartsWith("__", StringComparison.Ordinal))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length + 4);
        foreach (var c in key)
        {
            builder.Append(IsNameChar(c) ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]) || (builder.Length > 1 && builder[0] == '_' && builder[1] == '_'))
        {
            builder.Insert(0, "key_");
        }

        return builder.ToString();
    }

    private static string? Word(string unit, FrozenDictionary<string, string> words)
    {
        if (unit.Length == 0)
        {
            return null;
        }

        if (words.TryGetValue(unit, out var word))
        {
            return word;
        }

        var sanitized = SanitizeMetricName(unit).Trim('_');
        return sanitized.Length == 0 ? null : sanitized;
    }

    private static string RemoveAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
