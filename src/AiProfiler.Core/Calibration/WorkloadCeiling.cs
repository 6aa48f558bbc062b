namespace AiProfiler.Core.Calibration;

/// <summary>
/// A ceiling observed in a real workload rather than a micro-benchmark: the GEMM rate at prefill shapes, the decode
/// GEMV's bandwidth, attention's rate. The advisor prefers these when they exist, since they include what the kernels
/// really reach.
/// </summary>
/// <param name="Kind">
/// What it measures: <c>prefill-gemm</c> (FLOP/s) and <c>decode-bandwidth</c> (weight bytes/s), each one per weight precision
/// the device multiplies, <c>prefill-attention</c> (FLOP/s of the causal attention call), <c>prefill-elementwise</c>
/// (bytes/s through an element-wise operation on a prompt-sized activation), <c>decode-bandwidth-narrow</c> (weight
/// bytes/s through a 1024-wide block's GEMVs in turn), or a fixed cost in seconds: <c>call-latency</c> (what a decode GEMV or attention call costs
/// beyond its bytes) and <c>op-latency</c> (one small operation, e.g. a norm or a copy of one row).
/// </param>
/// <param name="Precision">The weights' precision it was measured in.</param>
/// <param name="Rate">The measured rate, or for the latency kinds the measured seconds.</param>
/// <param name="Source">Which run it came from, e.g. <c>inference preset=medium batch=1, 2026-12-03T17:40Z</c>.</param>
public sealed record WorkloadCeiling(string Kind, string Precision, MeasuredRate Rate, string Source)
{
    /// <summary>
    /// The figure the predictions use. A GEMM rate's is the fastest pass and a small operation's the cheapest: what else
    /// runs on the machine can only slow a pass, so the best one is what the hardware does, and a calibration made on
    /// a busy machine stays usable. The decode GEMV's streaming rate (<c>decode-bandwidth</c>) takes the median pass: the
    /// memory bandwidth a VM gets moves from pass to pass with what the host's other tenants read, and a decode step,
    /// tens of milliseconds of streaming, runs at the typical rate, not the best (on the 2-core VM the median pass was
    /// 8–23 % below the best, a sweep of GPT-2 medium's layer GEMVs streamed between the two, and GPT-2's steps predicted
    /// from the best were 14–19 % slower). The call cost is a difference of two times, which noise moves either way: its
    /// median. The element-wise rate (<c>prefill-elementwise</c>) streams too, and takes its median for the same reason.
    /// </summary>
    public double Value => Kind switch
    {
        "call-latency" or "decode-bandwidth" or "decode-bandwidth-narrow" or "prefill-elementwise" => Rate.Median,
        "op-latency" => Rate.Low,
        _ => Rate.High,
    };
}
