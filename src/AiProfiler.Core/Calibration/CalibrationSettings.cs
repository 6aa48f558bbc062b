namespace AiProfiler.Core.Calibration;

/// <summary>How long and how large the calibration's micro-benchmarks are.</summary>
/// <param name="PassSeconds">Target length of one timed compute pass.</param>
/// <param name="Repetitions">Timed passes per ceiling; the median is kept, the extremes give the spread.</param>
/// <param name="BandwidthElements">fp32 elements per array of the bandwidth test (three arrays).</param>
internal sealed record CalibrationSettings(double PassSeconds, int Repetitions, long BandwidthElements);
