namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// Decouples scrapes from collections: a scrape within the cache duration of the last collection is answered from
/// it, and scrapes that arrive while a collection runs wait for that one instead of starting their own
/// (single-flight), so a burst of scrapes costs one collection.
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
            if (cached is not null && timeProvider.GetElapsedTime(cachedAt) < cacheDuration)
            {
                return cached;
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
