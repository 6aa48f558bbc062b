using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenTelemetry;

namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>Label sets as exposition text: sanitised names, escaped values, <c>name="value",...</c>.</summary>
internal static class PrometheusLabels
{
    private const int MaxCachedNames = 4096;

    private static readonly ConcurrentDictionary<string, string> LabelNames = new(StringComparer.Ordinal);

    /// <summary>The label text of a metric point (empty when it has no tags).</summary>
    public static string Format(ReadOnlyTagCollection tags)
    {
        if (tags.Count == 0)
        {
            return string.Empty;
        }

        var list = new List<KeyValuePair<string, object?>>(tags.Count);
        foreach (var tag in tags)
        {
            list.Add(tag);
        }

        return Format(list);
    }

    /// <summary>
    /// Writes <c>name="value",...</c>. When two keys sanitise to the same label name (<c>a.b</c> and <c>a_b</c>), their
    /// values are joined with <c>;</c> in the order of the original keys, so no label is lost and none repeats.
    /// </summary>
    public static string Format(List<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<(string Name, string Key, string Value)>(tags.Count);
        var collision = false;
        foreach (var tag in tags)
        {
            var name = LabelName(tag.Key);
            foreach (var existing in labels)
            {
                collision |= existing.Name == name;
            }

            labels.Add((name, tag.Key, ValueText(tag.Value)));
        }

        if (collision)
        {
            labels = MergeCollisions(labels);
        }

        var builder = new StringBuilder();
        foreach (var label in labels)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(label.Name).Append("=\"");
            AppendEscaped(builder, label.Value, escapeQuotes: true);
            builder.Append('"');
        }

        return builder.ToString();
    }

    private static List<(string Name, string Key, string Value)> MergeCollisions(List<(string Name, string Key, string Value)> labels)
    {
        var merged = new List<(string Name, string Key, string Value)>(labels.Count);
        foreach (var group in labels.GroupBy(l => l.Name, StringComparer.Ordinal))
        {
            var value = string.Join(';', group.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Value));
            merged.Add((group.Key, group.First().Key, value));
        }

        return merged;
    }

    private static string LabelName(string key)
    {
        if (LabelNames.TryGetValue(key, out var name))
        {
            return name;
        }

        name = PrometheusNaming.SanitizeLabelName(key);
        if (LabelNames.Count < MaxCachedNames)
        {
            LabelNames.TryAdd(key, name);
        }

        return name;
    }

    /// <summary>Attribute values as OpenTelemetry's Prometheus mapping asks: strings as they are, arrays as JSON.</summary>
    private static string ValueText(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => PrometheusNumberFormatter.Format(number, PrometheusFormat.Text),
        float number => PrometheusNumberFormatter.Format(number, PrometheusFormat.Text),
        IEnumerable sequence => JsonSerializer.Serialize(sequence, sequence.GetType()),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Escapes <c>\\</c>, newlines and (for label values and OpenMetrics help) <c>"</c>.</summary>
    public static void AppendEscaped(StringBuilder output, string text, bool escapeQuotes)
    {
        if (text.AsSpan().IndexOfAny('\\', '\n', '"') < 0)
        {
            output.Append(text);
            return;
        }

        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    output.Append("\\\\");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                case '"' when escapeQuotes:
                    output.Append("\\\"");
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }
    }
}
