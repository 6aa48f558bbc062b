namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// Decouples scrapes from collections: a scrape within the cache duration of the last collection is answered from
/// it, and scrapes that arrive while a collection runs never start another (single flight), so a burst of scrapes
/// costs one collection. While that collection runs, a scrape gets the previous response if it is less than twice
/// the cache duration old, rather than queueing behind the collection; older responses are never served, so a scrape
/// after a pause (Prometheus' usual 15 s) always waits for fresh values.
/// </summary>
internal sealed class PrometheusScrapeCache
{
    private readonly Func<PrometheusScrapeSnapshot> _collect;
    private readonly TimeSpan _cacheDuration;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private Task<PrometheusScrapeSnapshot>? _cached;
    private long _cachedAt;
    private Task<PrometheusScrapeSnapshot>? _inFlight;

    public PrometheusScrapeCache(Func<PrometheusScrapeSnapshot> collect, TimeSpan cacheDuration, TimeProvider timeProvider)
    {
        _collect = collect;
        _cacheDuration = cacheDuration;
        _timeProvider = timeProvider;
    }

    /// <summary>The latest snapshot if it is fresh, else the one the running (or a new) collection produces.</summary>
    public Task<PrometheusScrapeSnapshot> GetSnapshotAsync()
    {
        lock (_gate)
        {
            if (_cached is not null)
            {
                var age = _timeProvider.GetElapsedTime(_cachedAt);
                if (age < _cacheDuration || (_inFlight is not null && age < _cacheDuration * 2))
                {
                    return _cached;
                }
            }

            // Collection blocks on instrument callbacks; keep it off the request's thread.
            return _inFlight ??= Task.Run(CollectAndRemember);
        }
    }

    private PrometheusScrapeSnapshot CollectAndRemember()
    {
        try
        {
            var snapshot = _collect();
            lock (_gate)
            {
                // Kept as a completed task, so a cache hit allocates nothing.
                _cached = Task.FromResult(snapshot);
                _cachedAt = _timeProvider.GetTimestamp();
                _inFlight = null;
            }

            return snapshot;
        }
        catch
        {
            lock (_gate)
            {
                _inFlight = null;
            }

            throw;
        }
    }
}
