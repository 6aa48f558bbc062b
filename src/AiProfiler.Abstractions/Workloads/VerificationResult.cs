namespace AiProfiler.Abstractions.Workloads;

/// <summary>The outcome of checking a workload's output against a reference.</summary>
/// <param name="Passed">Whether the output is within tolerance.</param>
/// <param name="MaxError">The largest error found (absolute or relative, as <paramref name="Detail"/> says).</param>
/// <param name="Detail">One line a user can act on, e.g. <c>max relative error 3.1e-6 &lt;= 1e-4 over 4096 samples</c>.</param>
public sealed record VerificationResult(bool Passed, double MaxError, string Detail)
{
    /// <summary>A passing result.</summary>
    public static VerificationResult Pass(double maxError, string detail) => new(true, maxError, detail);

    /// <summary>A failing result.</summary>
    public static VerificationResult Fail(double maxError, string detail) => new(false, maxError, detail);
}
