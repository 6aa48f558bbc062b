namespace AiProfiler.Core.Calibration;

/// <summary>
/// A ceiling observed in a real workload rather than a micro-benchmark: the GEMM rate at prefill shapes, the decode
/// GEMV's bandwidth, attention's rate. The advisor prefers these when they exist, since they include what the kernels
/// really reach.
/// </summary>
/// <param name="Kind">What it measures: <c>prefill-gemm</c> (FLOP/s), <c>decode-bandwidth</c> (bytes/s) or <c>attention</c> (FLOP/s).</param>
/// <param name="Precision">The weights' precision it was measured in.</param>
/// <param name="Rate">The measured rate.</param>
/// <param name="Source">Which run it came from, e.g. <c>inference preset=medium batch=1, 2026-12-03T17:40Z</c>.</param>
public sealed record WorkloadCeiling(string Kind, string Precision, MeasuredRate Rate, string Source);
