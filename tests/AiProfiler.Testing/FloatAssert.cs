using System.Globalization;
using Xunit;

namespace AiProfiler.Testing;

/// <summary>
/// Floating-point comparisons with a tolerance scaled to the computation, the way <c>PreparedGemm.Verify</c> scales
/// its bound: a sum of K products stored in fp32 may be off by about c·K·u·Σ|a·b| (u = 2^-24), plus the rounding of
/// the stored result. Never rounds both sides to N decimals: two values one ulp apart can round differently.
/// </summary>
public static class FloatAssert
{
    /// <summary>Unit roundoff of fp32 (2^-24).</summary>
    public const double Fp32UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>Unit roundoff of fp64 (2^-53).</summary>
    public const double Fp64UnitRoundoff = 1.0 / (1L << 53);

    /// <summary>
    /// The bound for a result built from <paramref name="terms"/> accumulated terms whose absolute values sum to
    /// <paramref name="sumOfAbsTerms"/>, computed in a precision with unit roundoff <paramref name="unitRoundoff"/>:
    /// 2·K·u·Σ|term| + u·|expected|.
    /// </summary>
    public static double SumBound(int terms, double sumOfAbsTerms, double expected, double unitRoundoff = Fp32UnitRoundoff) =>
        (2.0 * Math.Max(terms, 1) * unitRoundoff * sumOfAbsTerms) + (unitRoundoff * Math.Abs(expected));

    /// <summary>Asserts |expected − actual| ≤ <paramref name="tolerance"/>, naming <paramref name="where"/> on failure.</summary>
    public static void Close(double expected, double actual, double tolerance, string? where = null)
    {
        var error = Math.Abs(expected - actual);
        if (!(error <= tolerance))
        {
            Assert.Fail(string.Format(
                CultureInfo.InvariantCulture,
                "{0}expected {1:R}, actual {2:R}: error {3:G4} exceeds tolerance {4:G4}",
                where is null ? string.Empty : where + ": ",
                expected,
                actual,
                error,
                tolerance));
        }
    }

    /// <summary>
    /// Asserts an fp32 result of a dot product (or GEMM entry) of <paramref name="terms"/> products against its
    /// double-precision reference, with the bound <see cref="SumBound"/>.
    /// </summary>
    public static void Sum(double expected, double actual, int terms, double sumOfAbsTerms, string? where = null) =>
        Close(expected, actual, SumBound(terms, sumOfAbsTerms, expected), where);

    /// <summary>
    /// Asserts two results agree to <paramref name="ulps"/> units of the last place of a precision with unit roundoff
    /// <paramref name="unitRoundoff"/>, relative to the larger magnitude: for short chains of arithmetic whose error
    /// does not grow with a length.
    /// </summary>
    public static void Relative(double expected, double actual, double ulps = 8, double unitRoundoff = Fp64UnitRoundoff, string? where = null) =>
        Close(expected, actual, 2 * ulps * unitRoundoff * Math.Max(Math.Abs(expected), Math.Abs(actual)), where);
}
