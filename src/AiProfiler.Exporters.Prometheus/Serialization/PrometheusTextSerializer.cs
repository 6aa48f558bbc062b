using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>
/// Writes a collection as Prometheus text 0.0.4 or OpenMetrics 1.0. Both formats carry the same series; OpenMetrics
/// adds <c># UNIT</c>, <c>_created</c> on counters and histograms, the <c>info</c> type for <c>target_info</c>, and
/// the closing <c># EOF</c>. No sample carries a timestamp: the scraper stamps the scrape time.
/// </summary>
internal static class PrometheusTextSerializer
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>The counter of series the per-metric limit kept out of the exposition, labelled by metric.</summary>
    public const string DroppedSeriesBaseName = "aiprofiler_metrics_dropped_series";

    private const string TargetInfoHelp = "Target metadata";
    private const string DroppedSeriesHelp = "Series left out of the exposition because their metric has more series than the exporter's MaxSeriesPerMetric.";
    private const int MaxCachedNames = 4096;

    private static readonly ConcurrentDictionary<string, string> LabelNames = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(double Bound, PrometheusFormat Format), string> BucketBounds = new();

    /// <summary>Writes the whole exposition in <paramref name="format"/>.</summary>
    public static void Write(StringBuilder output, PrometheusExposition exposition, PrometheusFormat format)
    {
        WriteTargetInfo(output, exposition.ResourceAttributes, format);
        foreach (PrometheusMetricFamily family in exposition.Families)
        {
            WriteFamily(output, family, exposition.MaxSeriesPerMetric, format);
        }

        WriteDroppedSeries(output, exposition.DroppedSeries, format);
        if (format == PrometheusFormat.OpenMetrics)
        {
            output.Append("# EOF\n");
        }
    }

    /// <summary>Encodes the written text as UTF-8 without an intermediate string.</summary>
    public static byte[] ToUtf8(StringBuilder text)
    {
        int length = 0;
        foreach (ReadOnlyMemory<char> chunk in text.GetChunks())
        {
            length += Encoding.UTF8.GetByteCount(chunk.Span);
        }

        byte[] bytes = new byte[length];
        int at = 0;
        foreach (ReadOnlyMemory<char> chunk in text.GetChunks())
        {
            at += Encoding.UTF8.GetBytes(chunk.Span, bytes.AsSpan(at));
        }

        return bytes;
    }

    private static void WriteFamily(StringBuilder output, PrometheusMetricFamily family, int maxSeries, PrometheusFormat format)
    {
        if (family.SeriesCount == 0)
        {
            return;
        }

        PrometheusMetricName name = family.Name;
        string familyName = name.FamilyName(format);
        string type = name.Kind switch
        {
            PrometheusMetricKind.Counter => "counter",
            PrometheusMetricKind.Histogram => "histogram",
            _ => "gauge",
        };
        WriteMetadata(output, familyName, type, family.Help, format);
        if (format == PrometheusFormat.OpenMetrics && name.UnitWord is not null)
        {
            output.Append("# UNIT ").Append(familyName).Append(' ').Append(name.UnitWord).Append('\n');
        }

        int written = 0;
        foreach (Metric metric in family.Metrics)
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                if (written++ == maxSeries)
                {
                    return;
                }

                string labels = FormatLabels(point.Tags);
                switch (name.Kind)
                {
                    case PrometheusMetricKind.Counter:
                        WriteCounterPoint(output, name, metric.MetricType, point, labels, format);
                        break;
                    case PrometheusMetricKind.Histogram:
                        WriteHistogramPoint(output, name, point, labels, format);
                        break;
                    default:
                        WriteGaugePoint(output, name, metric.MetricType, point, labels, format);
                        break;
                }
            }
        }
    }

    private static void WriteCounterPoint(StringBuilder output, PrometheusMetricName name, MetricType type, in MetricPoint point, string labels, PrometheusFormat format)
    {
        StartSample(output, name.SampleName, labels, null);
        if (type == MetricType.LongSum)
        {
            PrometheusNumberFormatter.AppendLong(output, point.GetSumLong());
        }
        else
        {
            PrometheusNumberFormatter.AppendDouble(output, point.GetSumDouble(), format);
        }

        output.Append('\n');
        WriteCreated(output, name.BaseName, labels, point.StartTime, format);
    }

    private static void WriteGaugePoint(StringBuilder output, PrometheusMetricName name, MetricType type, in MetricPoint point, string labels, PrometheusFormat format)
    {
        StartSample(output, name.SampleName, labels, null);
        switch (type)
        {
            case MetricType.LongGauge:
                PrometheusNumberFormatter.AppendLong(output, point.GetGaugeLastValueLong());
                break;
            case MetricType.DoubleGauge:
                PrometheusNumberFormatter.AppendDouble(output, point.GetGaugeLastValueDouble(), format);
                break;
            case MetricType.LongSumNonMonotonic:
                PrometheusNumberFormatter.AppendLong(output, point.GetSumLong());
                break;
            default:
                PrometheusNumberFormatter.AppendDouble(output, point.GetSumDouble(), format);
                break;
        }

        output.Append('\n');
    }

    private static void WriteHistogramPoint(StringBuilder output, PrometheusMetricName name, in MetricPoint point, string labels, PrometheusFormat format)
    {
        string bucketName = name.BaseName + "_bucket";
        long cumulative = 0;
        foreach (HistogramBucket bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            StartSample(output, bucketName, labels, BucketBound(bucket.ExplicitBound, format));
            PrometheusNumberFormatter.AppendLong(output, cumulative);
            output.Append('\n');
        }

        StartSample(output, name.BaseName + "_sum", labels, null);
        PrometheusNumberFormatter.AppendDouble(output, point.GetHistogramSum(), format);
        output.Append('\n');
        StartSample(output, name.BaseName + "_count", labels, null);
        PrometheusNumberFormatter.AppendLong(output, point.GetHistogramCount());
        output.Append('\n');
        WriteCreated(output, name.BaseName, labels, point.StartTime, format);
    }

    private static void WriteCreated(StringBuilder output, string baseName, string labels, DateTimeOffset startTime, PrometheusFormat format)
    {
        if (format != PrometheusFormat.OpenMetrics)
        {
            return;
        }

        StartSample(output, baseName + "_created", labels, null);
        PrometheusNumberFormatter.AppendDouble(output, UnixSeconds(startTime), format);
        output.Append('\n');
    }

    private static void WriteTargetInfo(StringBuilder output, IReadOnlyList<KeyValuePair<string, object>> attributes, PrometheusFormat format)
    {
        if (attributes.Count == 0)
        {
            return;
        }

        // OpenMetrics has an info type whose family drops the _info suffix; the text format only knows gauges.
        if (format == PrometheusFormat.OpenMetrics)
        {
            WriteMetadata(output, "target", "info", TargetInfoHelp, format);
        }
        else
        {
            WriteMetadata(output, "target_info", "gauge", TargetInfoHelp, format);
        }

        var tags = new List<KeyValuePair<string, object?>>(attributes.Count);
        foreach (KeyValuePair<string, object> attribute in attributes)
        {
            tags.Add(new KeyValuePair<string, object?>(attribute.Key, attribute.Value));
        }

        StartSample(output, "target_info", FormatLabels(tags), null);
        output.Append("1\n");
    }

    private static void WriteDroppedSeries(StringBuilder output, IReadOnlyList<DroppedSeries> dropped, PrometheusFormat format)
    {
        if (dropped.Count == 0)
        {
            return;
        }

        var name = new PrometheusMetricName(DroppedSeriesBaseName, PrometheusMetricKind.Counter, null);
        WriteMetadata(output, name.FamilyName(format), "counter", DroppedSeriesHelp, format);
        foreach (DroppedSeries entry in dropped)
        {
            var labels = new StringBuilder("metric=\"");
            AppendEscaped(labels, entry.MetricName, escapeQuotes: true);
            string labelText = labels.Append('"').ToString();
            StartSample(output, name.SampleName, labelText, null);
            PrometheusNumberFormatter.AppendLong(output, entry.Count);
            output.Append('\n');
            WriteCreated(output, name.BaseName, labelText, entry.FirstDroppedAt, format);
        }
    }

    private static void WriteMetadata(StringBuilder output, string familyName, string type, string? help, PrometheusFormat format)
    {
        if (help is not null)
        {
            output.Append("# HELP ").Append(familyName).Append(' ');
            AppendEscaped(output, help, escapeQuotes: format == PrometheusFormat.OpenMetrics);
            output.Append('\n');
        }

        output.Append("# TYPE ").Append(familyName).Append(' ').Append(type).Append('\n');
    }

    private static void StartSample(StringBuilder output, string sampleName, string labels, string? bucketBound)
    {
        output.Append(sampleName);
        if (labels.Length > 0 || bucketBound is not null)
        {
            output.Append('{').Append(labels);
            if (bucketBound is not null)
            {
                if (labels.Length > 0)
                {
                    output.Append(',');
                }

                output.Append("le=\"").Append(bucketBound).Append('"');
            }

            output.Append('}');
        }

        output.Append(' ');
    }

    private static string FormatLabels(ReadOnlyTagCollection tags)
    {
        if (tags.Count == 0)
        {
            return string.Empty;
        }

        var list = new List<KeyValuePair<string, object?>>(tags.Count);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            list.Add(tag);
        }

        return FormatLabels(list);
    }

    /// <summary>
    /// Writes <c>name="value",...</c>. When two keys sanitise to the same label name (<c>a.b</c> and <c>a_b</c>), their
    /// values are joined with <c>;</c> in the order of the original keys, so no label is lost and none repeats.
    /// </summary>
    private static string FormatLabels(List<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<(string Name, string Key, string Value)>(tags.Count);
        bool collision = false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            string name = LabelName(tag.Key);
            foreach ((string Name, string Key, string Value) existing in labels)
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
        foreach ((string Name, string Key, string Value) label in labels)
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
        foreach (IGrouping<string, (string Name, string Key, string Value)> group in labels.GroupBy(l => l.Name, StringComparer.Ordinal))
        {
            string value = string.Join(';', group.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Value));
            merged.Add((group.Key, group.First().Key, value));
        }

        return merged;
    }

    private static string LabelName(string key)
    {
        if (LabelNames.TryGetValue(key, out string? name))
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

    private static string BucketBound(double bound, PrometheusFormat format)
    {
        if (BucketBounds.TryGetValue((bound, format), out string? text))
        {
            return text;
        }

        text = PrometheusNumberFormatter.Format(bound, format);
        if (BucketBounds.Count < MaxCachedNames)
        {
            BucketBounds.TryAdd((bound, format), text);
        }

        return text;
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

    private static void AppendEscaped(StringBuilder output, string text, bool escapeQuotes)
    {
        if (text.AsSpan().IndexOfAny('\\', '\n', '"') < 0)
        {
            output.Append(text);
            return;
        }

        foreach (char c in text)
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

    private static double UnixSeconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
}
