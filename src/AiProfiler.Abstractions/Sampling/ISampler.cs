namespace AiProfiler.Abstractions.Sampling;

/// <summary>
/// A source of hardware or process measurements (NVML, /proc, /sys, the agent's own process, a plugin's own),
/// modelled on node_exporter's collectors. The host calls <see cref="Start"/> once, then <see cref="Collect"/> on the
/// sampler's interval from one thread; a scrape only serializes the latest values. The host times every collection
/// and exports <c>aiprofiler_sampler_duration_seconds{sampler}</c> and <c>aiprofiler_sampler_success{sampler}</c>.
/// </summary>
public interface ISampler : IDisposable
{
    /// <summary>The registration name, used in configuration and as the <c>sampler</c> label (e.g. <c>nvml</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Opens the source. Returns null when it works, or one line saying why there is no data here
    /// (e.g. <c>libnvidia-ml.so.1 not found</c>); the host logs that once and does not call <see cref="Collect"/>.
    /// </summary>
    string? Start();

    /// <summary>
    /// Reads current values and writes them to <paramref name="writer"/>. Throwing marks this collection as failed;
    /// a part that has no data here (a GPU without a fan) writes nothing rather than throwing.
    /// </summary>
    void Collect(IMetricWriter writer);
}
