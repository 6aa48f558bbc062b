using System.Text.RegularExpressions;

namespace AiProfiler.Abstractions.Workloads;

/// <summary>
/// Passed to each <see cref="IPreparedWorkload.Run"/>: the cancellation token and a place to record measurements
/// that only the workload can take (time to first token, time per output token, loss). The runner summarizes each
/// recorded name over the timed iterations (mean, p50, p90, p99, min, max) and exports it.
/// </summary>
public sealed partial class IterationContext
{
    private readonly Dictionary<string, List<double>> _measurements;

    /// <summary>Creates a context whose recorded values go into <paramref name="measurements"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068:CancellationToken parameters must come last", Justification = "Plugins call this constructor in Verify(); reordering it would break the contract for a style rule.")]
    public IterationContext(CancellationToken cancellationToken, Dictionary<string, List<double>> measurements, bool isWarmup)
    {
        CancellationToken = cancellationToken;
        _measurements = measurements;
        IsWarmup = isWarmup;
    }

    /// <summary>Signalled when the run is cancelled or exceeds its timeout.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>True during warm-up iterations, whose measurements are discarded.</summary>
    public bool IsWarmup { get; }

    /// <summary>
    /// Records one value. <paramref name="name"/> is a Prometheus-style name ending with its base unit where it has
    /// one, e.g. <c>ttft_seconds</c>, <c>tpot_seconds</c>, <c>loss</c>; lower case letters, digits and underscores.
    /// </summary>
    public void Record(string name, double value)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"measurement name '{name}' is invalid; use lower-case letters, digits and '_' (e.g. ttft_seconds)", nameof(name));
        }

        if (IsWarmup)
        {
            return;
        }

        if (!_measurements.TryGetValue(name, out var values))
        {
            values = [];
            _measurements[name] = values;
        }

        values.Add(value);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamePattern();
}
