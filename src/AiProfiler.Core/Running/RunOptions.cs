using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Core.Running;

/// <summary>How long and how often to measure one run.</summary>
public sealed record RunOptions
{
    /// <summary>Untimed iterations first, to warm caches, JIT and clocks.</summary>
    [Range(0, 1000)]
    public int WarmupIterations { get; init; } = 2;

    /// <summary>The most timed iterations.</summary>
    [Range(1, 1_000_000)]
    public int Iterations { get; init; } = 10;

    /// <summary>Stop timing once this much time was spent (after at least one timed iteration).</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Give up on the whole run (preparation, iterations, verification) after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Host threads for a device that runs on them (<see cref="AiProfiler.Abstractions.Devices.IThreadedDevice"/>, the
    /// CPU); null keeps the device's own count (all cores). Ignored by accelerators.
    /// </summary>
    [Range(1, 4096)]
    public int? Threads { get; init; }

    /// <summary>Check the output against the reference.</summary>
    public bool Verify { get; init; } = true;
}
