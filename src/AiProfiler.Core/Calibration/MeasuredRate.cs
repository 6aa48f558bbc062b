using System.Globalization;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// A rate measured several times (FLOP/s or bytes/s): the median is the figure to use, the low and high the spread a
/// user should expect between runs on this machine.
/// </summary>
/// <param name="Median">The median of the repetitions.</param>
/// <param name="Low">The slowest repetition.</param>
/// <param name="High">The fastest repetition.</param>
/// <param name="Repetitions">How many repetitions were timed.</param>
public sealed record MeasuredRate(double Median, double Low, double High, int Repetitions)
{
    /// <summary>(high − low) / median: 0.05 means the repetitions spread over 5 % of the median.</summary>
    public double RelativeSpread => Median > 0 ? (High - Low) / Median : 0;

    /// <summary>Summarizes <paramref name="samples"/>; throws when there are none.</summary>
    public static MeasuredRate FromSamples(IReadOnlyCollection<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count);
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new MeasuredRate(median, sorted[0], sorted[^1], sorted.Length);
    }

    /// <summary>e.g. <c>452.1 (448.0–455.3, 7 runs)</c> after scaling by <paramref name="scale"/>.</summary>
    public string Describe(double scale) => string.Create(CultureInfo.InvariantCulture,
        $"{Median / scale:0.#} ({Low / scale:0.#}–{High / scale:0.#}, {Repetitions} runs)");
}
