namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Sine and cosine of an fp32 angle, correct to fp32 rounding for angles of any size a rotary embedding meets.
/// ILGPU's PTX backend compiles <see cref="MathF.Sin"/> and <see cref="MathF.Cos"/> to <c>sin.approx.f32</c> and
/// <c>cos.approx.f32</c>, whose error grows with the argument: on an H200 the rotation at position 1000 was off by
/// 1.3e-4 rad while the emulator, which calls .NET's MathF, was exact. So the angle is reduced to [−π/4, π/4] in
/// fp64 (k·π/2 stays exact to about 1e-10 up to millions of radians) and the Taylor series to the 13th/14th power
/// (remainder below 3e-14 there) is summed in fp64; only IEEE-exact fp64 operations remain in the PTX.
/// </summary>
internal static class AccurateTrig
{
    private const double TwoOverPi = 2 / Math.PI;
    private const double HalfPi = Math.PI / 2;

    /// <summary>sin(<paramref name="angle"/>).</summary>
    public static float Sin(float angle) => QuarterTurns(angle, 0);

    /// <summary>cos(<paramref name="angle"/>) = sin(angle + π/2).</summary>
    public static float Cos(float angle) => QuarterTurns(angle, 1);

    /// <summary>sin(angle + shift·π/2) from the reduced angle r and the quadrant of angle + shift·π/2.</summary>
    private static float QuarterTurns(float angle, int shift)
    {
        var k = Math.Floor((angle * TwoOverPi) + 0.5);
        var r = angle - (k * HalfPi);
        var quadrant = ((long)k + shift) & 3;
        var value = (quadrant & 1) == 0 ? SinSeries(r) : CosSeries(r);
        return (float)(quadrant >= 2 ? -value : value);
    }

    private static double SinSeries(double r)
    {
        var r2 = r * r;
        return r * (1 - (r2 / 6 * (1 - (r2 / 20 * (1 - (r2 / 42 * (1 - (r2 / 72 * (1 - (r2 / 110 * (1 - (r2 / 156))))))))))));
    }

    private static double CosSeries(double r)
    {
        var r2 = r * r;
        return 1 - (r2 / 2 * (1 - (r2 / 12 * (1 - (r2 / 30 * (1 - (r2 / 56 * (1 - (r2 / 90 * (1 - (r2 / 132 * (1 - (r2 / 182)))))))))))));
    }
}
