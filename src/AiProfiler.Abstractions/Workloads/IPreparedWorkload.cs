namespace AiProfiler.Abstractions.Workloads;

/// <summary>
/// A workload prepared on one device with one parameter set: buffers allocated and inputs filled. The runner calls
/// <see cref="Run"/> repeatedly (warm-up, then timed repetitions), then <see cref="Verify"/> once, then disposes it.
/// Disposing must release every device buffer, also after a failed run.
/// </summary>
public interface IPreparedWorkload : IDisposable
{
    /// <summary>A short, human-readable shape for tables, e.g. <c>M=1024 N=1024 K=1024 fp32</c>.</summary>
    string Shape { get; }

    /// <summary>The analytic cost of one call to <see cref="Run"/>.</summary>
    WorkloadCost Cost { get; }

    /// <summary>
    /// The implementation doing the heavy lifting on this device (e.g. <c>simd</c>, <c>openblas</c>, <c>clblast</c>,
    /// <c>tiled-kernel</c>, <c>cublas</c>); exported as a label so runs of different implementations are not mixed.
    /// </summary>
    string Implementation { get; }

    /// <summary>
    /// Runs one iteration. Work may be queued asynchronously on the device; the runner synchronizes the device
    /// through its timer. Long iterations should observe <see cref="IterationContext.CancellationToken"/>.
    /// </summary>
    void Run(IterationContext context);

    /// <summary>Checks the output of the last iteration (or a dedicated small problem) against a reference.</summary>
    VerificationResult Verify();
}
