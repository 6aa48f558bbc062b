using AiProfiler.Exporters.Prometheus.Serialization;

namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// Keeps the exposition bounded: a metric family shows at most <c>MaxSeriesPerMetric</c> series and the rest are
/// counted. With cumulative temporality the SDK never forgets a series, so the number over the limit only grows; the
/// counter is its high-water mark, i.e. the number of distinct series dropped, however often Prometheus scrapes.
/// </summary>
internal sealed class PrometheusSeriesGuard
{
    private readonly int _maxSeriesPerMetric;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, DroppedSeries> _dropped = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public PrometheusSeriesGuard(int maxSeriesPerMetric, TimeProvider timeProvider)
    {
        _maxSeriesPerMetric = maxSeriesPerMetric;
        _timeProvider = timeProvider;
    }

    public int MaxSeriesPerMetric => _maxSeriesPerMetric;

    /// <summary>Records this collection's overflow and returns every family's dropped count so far.</summary>
    public IReadOnlyList<DroppedSeries> Observe(IReadOnlyList<PrometheusMetricFamily> families)
    {
        lock (_gate)
        {
            foreach (var family in families)
            {
                var over = family.SeriesCount - (long)_maxSeriesPerMetric;
                if (over <= 0)
                {
                    continue;
                }

                var name = family.Name.BaseName;
                if (!_dropped.TryGetValue(name, out var entry))
                {
                    _dropped.Add(name, new DroppedSeries(name, over, _timeProvider.GetUtcNow()));
                }
                else if (over > entry.Count)
                {
                    _dropped[name] = entry with { Count = over };
                }
            }

            return [.. _dropped.Values];
        }
    }
}
