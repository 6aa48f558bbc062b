using System.Runtime.CompilerServices;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus.Serialization;

/// <summary>
/// One Prometheus metric family of a collection: every OpenTelemetry metric that maps to the same name (the same
/// instrument name on two meters would otherwise be written twice, which no parser accepts).
/// </summary>
internal sealed class PrometheusMetricFamily
{
    private static readonly ConditionalWeakTable<Metric, StrongBox<PrometheusMetricName?>> Names = new();

    private PrometheusMetricFamily(PrometheusMetricName name, string? help)
    {
        Name = name;
        Help = help;
    }

    public PrometheusMetricName Name { get; }

    public string? Help { get; private set; }

    public List<Metric> Metrics { get; } = [];

    /// <summary>How many series (metric points) the family has in this collection, before any limit.</summary>
    public int SeriesCount { get; private set; }

    /// <summary>
    /// The label text of each shown series, in point order: formatted once per collection and used by both formats.
    /// </summary>
    public List<string> SeriesLabels { get; } = [];

    /// <summary>
    /// Groups a collection's metrics into families, in the order they first appear, and formats the labels of the
    /// first <paramref name="maxSeriesPerMetric"/> series of each. A metric whose name is taken by a family of another
    /// type is left out, as is a type the text formats cannot carry.
    /// </summary>
    public static List<PrometheusMetricFamily> Group(IEnumerable<Metric> metrics, int maxSeriesPerMetric)
    {
        var families = new List<PrometheusMetricFamily>();
        var byName = new Dictionary<string, PrometheusMetricFamily>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            if (NameOf(metric) is not { } name)
            {
                continue;
            }

            if (!byName.TryGetValue(name.BaseName, out var family))
            {
                family = new PrometheusMetricFamily(name, NullIfEmpty(metric.Description));
                byName.Add(name.BaseName, family);
                families.Add(family);
            }
            else if (family.Name.Kind != name.Kind)
            {
                continue;
            }

            family.Help ??= NullIfEmpty(metric.Description);
            family.Metrics.Add(metric);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (family.SeriesCount++ < maxSeriesPerMetric)
                {
                    family.SeriesLabels.Add(PrometheusLabels.Format(point.Tags));
                }
            }
        }

        return families;
    }

    private static PrometheusMetricName? NameOf(Metric metric) =>
        Names.GetValue(metric, m => new StrongBox<PrometheusMetricName?>(PrometheusNaming.ForMetric(m.Name, m.Unit, m.MetricType))).Value;

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
