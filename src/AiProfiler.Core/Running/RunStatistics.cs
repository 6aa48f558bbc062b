using System.Text.Json.Serialization;

namespace AiProfiler.Core.Running;

/// <summary>Summary statistics of a sample (seconds for latencies, the measurement's unit otherwise).</summary>
/// <param name="Count">Number of values.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Median">50th percentile.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="StandardDeviation">Sample standard deviation (n − 1); 0 for one value.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record RunStatistics(int Count, double Mean, double Median, double P90, double P99, double StandardDeviation, double Min, double Max)
{
    /// <summary>The statistics as (name, value) pairs, in the order exported: mean, p50, p90, p99, stdev, min, max.</summary>
    [JsonIgnore]
    public IEnumerable<(string Name, double Value)> Named =>
    [
        ("mean", Mean), ("p50", Median), ("p90", P90), ("p99", P99), ("stdev", StandardDeviation), ("min", Min), ("max", Max),
    ];

    /// <summary>
    /// Computes the statistics of <paramref name="values"/>. Percentiles interpolate linearly between closest ranks
    /// (the common "type 7" definition, as numpy's default), so p99 of a short run is not simply the maximum.
    /// </summary>
    public static RunStatistics From(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new RunStatistics(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = values.Order().ToArray();
        var mean = sorted.Average();
        var variance = sorted.Length > 1 ? sorted.Sum(v => (v - mean) * (v - mean)) / (sorted.Length - 1) : 0;
        return new RunStatistics(sorted.Length, mean, Percentile(sorted, 0.5), Percentile(sorted, 0.9), Percentile(sorted, 0.99), Math.Sqrt(variance), sorted[0], sorted[^1]);
    }

    /// <summary>The <paramref name="q"/>-quantile (0..1) of already sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(sorted.Count - 1, lower + 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
