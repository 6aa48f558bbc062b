using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>
/// One enabled sampler and what the host knows of it. Written by the sampling thread and read by scrapes, so the
/// values a scrape reads are published with volatile writes and the snapshot is swapped as one reference.
/// </summary>
internal sealed class SamplerSlot(ISampler sampler, long intervalTicks)
{
    private double _lastDurationSeconds = double.NaN;
    private double _success = double.NaN;
    private MetricSnapshot _latest = MetricSnapshot.Empty;
    private volatile SamplerState _state = SamplerState.NotStarted;

    public ISampler Sampler { get; } = sampler;

    public string Name { get; } = sampler.Name;

    /// <summary>The interval in <see cref="TimeProvider"/> timestamp units.</summary>
    public long IntervalTicks { get; } = intervalTicks;

    public long NextDue { get; set; }

    /// <summary>A Collect call that overran its time and has not returned yet; the sampler is skipped until it does.</summary>
    public Task? Overrunning { get; set; }

    /// <summary>True while the sampler is failing and that has been logged, so a failure streak logs once.</summary>
    public bool FailureLogged { get; set; }

    /// <summary>Metric names whose dropped points have been logged, so a misbehaving sampler logs once per name.</summary>
    public HashSet<string> DropsLogged { get; } = new(StringComparer.Ordinal);

    public SamplerState State
    {
        get => _state;
        set => _state = value;
    }

    public double LastDurationSeconds
    {
        get => Volatile.Read(ref _lastDurationSeconds);
        set => Volatile.Write(ref _lastDurationSeconds, value);
    }

    /// <summary>1 after a successful collection, 0 after a failed one or when unavailable, NaN before either.</summary>
    public double Success
    {
        get => Volatile.Read(ref _success);
        set => Volatile.Write(ref _success, value);
    }

    public MetricSnapshot Latest
    {
        get => Volatile.Read(ref _latest);
        set => Volatile.Write(ref _latest, value);
    }
}
