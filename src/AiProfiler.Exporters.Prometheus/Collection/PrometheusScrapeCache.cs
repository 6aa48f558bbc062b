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
    private readonly Func<PrometheusScrapeSnapshot> collect;
    private readonly TimeSpan cacheDuration;
    private readonly TimeProvider timeProvider;
    private readonly Lock gate = new();
    private Task<PrometheusScrapeSnapshot>? cached;
    private long cachedAt;
    private Task<PrometheusScrapeSnapshot>? inFlight;

    public PrometheusScrapeCache(Func<PrometheusScrapeSnapshot> collect, TimeSpan cacheDuration, TimeProvider timeProvider)
    {
        this.collect = collect;
        this.cacheDuration = cacheDuration;
        this.timeProvider = timeProvider;
    }

    /// <summary>The latest snapshot if it is fresh, else the one the running (or a new) collection produces.</summary>
    public Task<PrometheusScrapeSnapshot> GetSnapshotAsync()
    {
        lock (gate)
        {
            if (cached is not null)
            {
                TimeSpan age = timeProvider.GetElapsedTime(cachedAt);
                if (age < cacheDuration || (inFlight is not null && age < cacheDuration * 2))
                {
                    return cached;
                }
            }

            // Collection blocks on instrument callbacks; keep it off the request's thread.
            return inFlight ??= Task.Run(CollectAndRemember);
        }
    }

    private PrometheusScrapeSnapshot CollectAndRemember()
    {
        try
        {
            PrometheusScrapeSnapshot snapshot = collect();
            lock (gate)
            {
                // Kept as a completed task, so a cache hit allocates nothing.
                cached = Task.FromResult(snapshot);
                cachedAt = timeProvider.GetTimestamp();
                inFlight = null;
            }

            return snapshot;
        }
        catch
        {
            lock (gate)
            {
                inFlight = null;
            }

            throw;
        }
    }
}
