using AiProfiler.Exporters.Prometheus.Serialization;

namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// Keeps the exposition bounded: a metric family shows at most <c>MaxSeriesPerMetric</c> series and the rest are
/// counted. With cumulative temporality the SDK never forgets a series, so the number over the limit only grows; the
/// counter is its high-water mark, i.e. the number of distinct series dropped, however often Prometheus scrapes.
/// </summary>
internal sealed class PrometheusSeriesGuard
{
    private readonly int maxSeriesPerMetric;
    private readonly TimeProvider timeProvider;
    private readonly Dictionary<string, DroppedSeries> dropped = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public PrometheusSeriesGuard(int maxSeriesPerMetric, TimeProvider timeProvider)
    {
        this.maxSeriesPerMetric = maxSeriesPerMetric;
        this.timeProvider = timeProvider;
    }

    public int MaxSeriesPerMetric => maxSeriesPerMetric;

    /// <summary>Records this collection's overflow and returns every family's dropped count so far.</summary>
    public IReadOnlyList<DroppedSeries> Observe(IReadOnlyList<PrometheusMetricFamily> families)
    {
        lock (gate)
        {
            foreach (PrometheusMetricFamily family in families)
            {
                long over = family.SeriesCount - (long)maxSeriesPerMetric;
                if (over <= 0)
                {
                    continue;
                }

                string name = family.Name.BaseName;
                if (!dropped.TryGetValue(name, out DroppedSeries? entry))
                {
                    dropped.Add(name, new DroppedSeries(name, over, timeProvider.GetUtcNow()));
                }
                else if (over > entry.Count)
                {
                    dropped[name] = entry with { Count = over };
                }
            }

            return [.. dropped.Values];
        }
    }
}
