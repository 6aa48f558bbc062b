using System.Collections.Concurrent;
using System.Text;
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

    private static readonly ConcurrentDictionary<(double Bound, PrometheusFormat Format), string> BucketBounds = new();

    /// <summary>Writes the whole exposition in <paramref name="format"/>.</summary>
    public static void Write(StringBuilder output, PrometheusExposition exposition, PrometheusFormat format)
    {
        WriteTargetInfo(output, exposition.ResourceAttributes, format);
        foreach (var family in exposition.Families)
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
        var length = 0;
        foreach (var chunk in text.GetChunks())
        {
            length += Encoding.UTF8.GetByteCount(chunk.Span);
        }

        var bytes = new byte[length];
        var at = 0;
        foreach (var chunk in text.GetChunks())
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

        var name = family.Name;
        var familyName = name.FamilyName(format);
        var type = name.Kind switch
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

        var written = 0;
        foreach (var metric in family.Metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (written == maxSeries)
                {
                    return;
                }

                var labels = family.SeriesLabels[written++];
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
        var bucketName = name.BaseName + "_bucket";
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
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
        foreach (var attribute in attributes)
        {
            tags.Add(new KeyValuePair<string, object?>(attribute.Key, attribute.Value));
        }

        StartSample(output, "target_info", PrometheusLabels.Format(tags), null);
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
        foreach (var entry in dropped)
        {
            var labels = new StringBuilder("metric=\"");
            PrometheusLabels.AppendEscaped(labels, entry.MetricName, escapeQuotes: true);
            var labelText = labels.Append('"').ToString();
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
            PrometheusLabels.AppendEscaped(output, help, escapeQuotes: format == PrometheusFormat.OpenMetrics);
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

    private static string BucketBound(double bound, PrometheusFormat format)
    {
        if (BucketBounds.TryGetValue((bound, format), out var text))
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

    private static double UnixSeconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
}
