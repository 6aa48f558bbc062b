using AiProfiler.Exporters.Prometheus.Collection;
using AiProfiler.Exporters.Prometheus.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Collection;

public sealed class PrometheusScrapeCacheTests
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task GetSnapshotAsync_WithinCacheDuration_ReusesTheCollection()
    {
        var clock = new FakeTimeProvider();
        var collections = 0;
        var cache = new PrometheusScrapeCache(() => NewSnapshot(Interlocked.Increment(ref collections)), CacheDuration, clock);

        var first = await cache.GetSnapshotAsync();
        clock.Advance(TimeSpan.FromMilliseconds(249));
        var second = await cache.GetSnapshotAsync();

        Assert.Same(first, second);
        Assert.Equal(1, collections);
    }

    [Fact]
    public async Task GetSnapshotAsync_AfterCacheDuration_CollectsAgain()
    {
        var clock = new FakeTimeProvider();
        var collections = 0;
        var cache = new PrometheusScrapeCache(() => NewSnapshot(Interlocked.Increment(ref collections)), CacheDuration, clock);

        var first = await cache.GetSnapshotAsync();
        clock.Advance(CacheDuration);
        var second = await cache.GetSnapshotAsync();

        Assert.NotSame(first, second);
        Assert.Equal(2, collections);
    }

    [Fact]
    public async Task GetSnapshotAsync_ConcurrentScrapesDuringCollection_JoinOneCollection()
    {
        var clock = new FakeTimeProvider();
        var collections = 0;
        using var release = new ManualResetEventSlim();
        var cache = new PrometheusScrapeCache(
            () =>
            {
                Interlocked.Increment(ref collections);
                release.Wait(TimeSpan.FromSeconds(30));
                return NewSnapshot(collections);
            },
            TimeSpan.Zero,
            clock);

        Task<PrometheusScrapeSnapshot>[] scrapes = [.. Enumerable.Range(0, 8).Select(_ => cache.GetSnapshotAsync())];
        release.Set();
        var results = await Task.WhenAll(scrapes);

        Assert.Equal(1, collections);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task GetSnapshotAsync_SlightlyStaleDuringCollection_AnswersWithPreviousWithoutWaiting()
    {
        var clock = new FakeTimeProvider();
        var collections = 0;
        using var release = new ManualResetEventSlim(initialState: true);
        var cache = new PrometheusScrapeCache(
            () =>
            {
                var id = Interlocked.Increment(ref collections);
                release.Wait(TimeSpan.FromSeconds(30));
                return NewSnapshot(id);
            },
            CacheDuration,
            clock);
        var previous = await cache.GetSnapshotAsync();
        release.Reset();
        clock.Advance(CacheDuration + TimeSpan.FromMilliseconds(100));

        var refreshing = cache.GetSnapshotAsync();
        var meanwhile = cache.GetSnapshotAsync();

        Assert.True(meanwhile.IsCompletedSuccessfully);
        Assert.Same(previous, await meanwhile);
        release.Set();
        Assert.NotSame(previous, await refreshing);
        Assert.Equal(2, collections);
    }

    [Fact]
    public async Task GetSnapshotAsync_LongStaleDuringCollection_WaitsForTheFreshCollection()
    {
        var clock = new FakeTimeProvider();
        var collections = 0;
        using var release = new ManualResetEventSlim(initialState: true);
        var cache = new PrometheusScrapeCache(
            () =>
            {
                var id = Interlocked.Increment(ref collections);
                release.Wait(TimeSpan.FromSeconds(30));
                return NewSnapshot(id);
            },
            CacheDuration,
            clock);
        var previous = await cache.GetSnapshotAsync();
        release.Reset();
        clock.Advance(TimeSpan.FromSeconds(15));

        var refreshing = cache.GetSnapshotAsync();
        var meanwhile = cache.GetSnapshotAsync();
        release.Set();

        Assert.Same(await refreshing, await meanwhile);
        Assert.NotSame(previous, await meanwhile);
        Assert.Equal(2, collections);
    }

    [Fact]
    public async Task GetSnapshotAsync_CollectionFails_NextScrapeTriesAgain()
    {
        var clock = new FakeTimeProvider();
        var calls = 0;
        var cache = new PrometheusScrapeCache(
            () => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("first fails") : NewSnapshot(calls),
            CacheDuration,
            clock);

        await Assert.ThrowsAsync<InvalidOperationException>(cache.GetSnapshotAsync);
        var snapshot = await cache.GetSnapshotAsync();

        Assert.NotNull(snapshot);
        Assert.Equal(2, calls);
    }

    private static PrometheusScrapeSnapshot NewSnapshot(int id) => new([(byte)id], [(byte)id]);
}
