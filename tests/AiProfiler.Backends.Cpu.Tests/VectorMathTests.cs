using System.Runtime.Intrinsics;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>
/// <see cref="VectorMath"/>'s e^x and the softmax and SiLU steps built on it, against double precision: every finite
/// result within <see cref="Ulps"/> units in the last place of fp32 across the whole range, the ends of the range and
/// the special values as IEEE arithmetic has them, and lengths that leave every tail after the vector loops.
/// </summary>
public sealed class VectorMathTests
{
    // Eight ulp of fp32 (2⁻²⁰ relative): the Taylor series' truncation is below 2⁻²⁷, the rest is the rounding of
    // the reduction and of seven fused steps; a wrong coefficient or split of ln 2 is off by far more.
    private const double Ulps = 8.0 / (1 << 23);

    private static float[] Arguments()
    {
        // A dense sweep over the range, both sides of where 2^n leaves the normal floats, and the special values.
        var sweep = Enumerable.Range(0, 4001).Select(i => -100f + (i * 0.05f));
        float[] edges = [0f, -0f, 1e-30f, -1e-30f, 1e-7f, 0.34657359f, -0.34657359f, -86.5f, -86.7f, -87.4f, -104f, 88.0f, 88.72f, 88.7229f, 88.8f, 100f,
            float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon];
        return [.. sweep, .. edges];
    }

    [Fact]
    public void Exp_WithinEightUlpOfDoublePrecision_ZeroBelowTheRange_InfinityAbove()
    {
        var x = Arguments();
        var e = Lanes(x, 8, v => ToArray(VectorMath.Exp(Vector256.Create(v)), 8));
        for (var i = 0; i < x.Length; i++)
        {
            CheckExp(x[i], e[i]);
        }
    }

    [Fact]
    public void Exp512_SameValuesAsTheEightLaneForm_LaneForLane()
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "no 512-bit vectors on this CPU (or AVX-512 switched off): the sixteen-lane e^x is not taken");
        var x = Arguments();
        var e8 = Lanes(x, 8, v => ToArray(VectorMath.Exp(Vector256.Create(v)), 8));
        var e16 = Lanes(x, 16, v => [.. Enumerable.Range(0, 16).Select(i => VectorMath.Exp(Vector512.Create(v)).GetElement(i))]);
        for (var i = 0; i < x.Length; i++)
        {
            // The same steps in wider registers: bit for bit, so that the bound checked above holds for these too.
            Assert.True(BitConverter.SingleToInt32Bits(e8[i]) == BitConverter.SingleToInt32Bits(e16[i]) || (float.IsNaN(e8[i]) && float.IsNaN(e16[i])), $"e^{x[i]}: {e16[i]} in sixteen lanes, {e8[i]} in eight");
            CheckExp(x[i], e16[i]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(24)]
    [InlineData(33)]
    [InlineData(1000)]
    public void ExpShifted_WritesExponentialsOfTheShiftedValues_ReturnsTheirSum(int length)
    {
        var x = Reference.Random(length, 41 + length, 20);
        var shift = length == 0 ? 0f : x.Max();
        var y = (float[])x.Clone();

        var sum = VectorMath.ExpShifted(y, shift);

        // The contract: e^ of the fp32 difference (its rounding, up to 27·2⁻²⁴ here, is the caller's).
        var expected = x.Select(v => Math.Exp(v - shift)).ToArray();
        for (var i = 0; i < length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= (Ulps * expected[i]) + 1e-38, $"element {i} of {length}: {y[i]} vs {expected[i]}");
        }

        // Each term within 8 ulp, the sum in fp32: one rounding per added value at most.
        Assert.True(Math.Abs(sum - expected.Sum()) <= (Ulps + (length / (double)(1 << 24))) * expected.Sum() + 1e-38, $"sum of {length}: {sum} vs {expected.Sum()}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(24)]
    [InlineData(100)]
    public void Max_IsTheLargestValue_NegativeInfinityForNone_NaNWhenAnyIsNaN(int length)
    {
        var x = Reference.Random(length, 7 + length, 5);
        Assert.Equal(length == 0 ? float.NegativeInfinity : x.Max(), VectorMath.Max(x));
        if (length == 0)
        {
            return;
        }

        // The largest value in the tail after the vector loop, then in the first lane.
        x[^1] = 1000f;
        Assert.Equal(1000f, VectorMath.Max(x));
        x[0] = 2000f;
        Assert.Equal(2000f, VectorMath.Max(x));
        x[length / 2] = float.NaN;
        Assert.True(float.IsNaN(VectorMath.Max(x)), $"a NaN among {length} values");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(24)]
    [InlineData(4003)]
    public void Silu_MatchesDoublePrecision_InPlaceToo(int length)
    {
        var x = Arguments().Take(length).Concat(Reference.Random(Math.Max(0, length - 4023), 3, 10)).Take(length).ToArray();
        var y = new float[length];
        VectorMath.Silu(x, y);
        var inPlace = (float[])x.Clone();
        VectorMath.Silu(inPlace, inPlace);

        for (var i = 0; i < length; i++)
        {
            var expected = x[i] / (1 + Math.Exp(-(double)x[i]));
            // x / (1 + e^−x): the exponential within 8 ulp, then one addition and one division in fp32; below −88.7
            // e^−x overflows and the result, smaller than 3e−37, is −0.
            var bound = ((Ulps + (1.0 / (1 << 22))) * Math.Abs(expected)) + 3e-37;
            Assert.True(Math.Abs(y[i] - expected) <= bound, $"silu({x[i]}) = {y[i]}, expected {expected}");
            Assert.Equal(y[i], inPlace[i]);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(4023)]
    public void Gelu_MatchesTheTanhFormInDoublePrecision_InPlaceToo(int length)
    {
        const float c = 0.7978845608028654f, k = 0.044715f;
        var x = Arguments().Take(length).ToArray();
        var y = new float[length];
        VectorMath.Gelu(x, y, c, k);
        var inPlace = (float[])x.Clone();
        VectorMath.Gelu(inPlace, inPlace, c, k);

        for (var i = 0; i < length; i++)
        {
            // The textbook tanh form, except where 1 + tanh(u) cancels in double too (u below −8, where it is under 2e−7),
            // where the same value as 2 / (1 + e^(−2u)) keeps its digits.
            var u = c * (x[i] + (k * (double)x[i] * x[i] * x[i]));
            var expected = u < -8 ? x[i] / (1 + Math.Exp(-2 * u)) : Reference.Gelu(x[i]);
            Assert.Equal(y[i], inPlace[i]);
            if (!double.IsFinite(expected) || !double.IsFinite(x[i]))
            {
                // ±∞ and NaN in: the formula's own result (+∞ for +∞; NaN for −∞·0 and NaN).
                Assert.Equal(expected, y[i]);
                continue;
            }

            // x / (1 + e^−2u): e^ within 8 ulp of its fp32 argument, whose rounding (a few ulp of u) moves it by
            // |2u| times that; then one addition and one division. Below 1e−37 the result may be 0.
            var bound = ((Ulps + (8 * Math.Abs(u) / (1 << 23)) + (1.0 / (1 << 22))) * Math.Abs(expected)) + 1e-37;
            Assert.True(Math.Abs(y[i] - expected) <= bound, $"gelu({x[i]}) = {y[i]}, expected {expected}");
        }
    }

    private static void CheckExp(float x, float actual)
    {
        var expected = Math.Exp(x);
        if (float.IsNaN(x))
        {
            Assert.True(float.IsNaN(actual), $"e^NaN = {actual}");
        }
        else if (x > 88.7228394f)
        {
            Assert.Equal(float.PositiveInfinity, actual);
        }
        else if (x < -86.6f)
        {
            // Below 2.5e−38 the result is flushed to zero.
            Assert.True(actual == 0f, $"e^{x} = {actual}, expected 0 below the range");
        }
        else
        {
            Assert.True(Math.Abs(actual - expected) <= Ulps * expected, $"e^{x} = {actual}, expected {expected} (error {Math.Abs(actual - expected) / expected:e2} relative)");
        }
    }

    private static float[] ToArray(Vector256<float> v, int width) => [.. Enumerable.Range(0, width).Select(i => v.GetElement(i))];

    // The function applied to the values a vector at a time, the last vector padded with zeros.
    private static float[] Lanes(float[] x, int width, Func<float[], float[]> f)
    {
        var result = new List<float>();
        for (var i = 0; i < x.Length; i += width)
        {
            var chunk = new float[width];
            x.AsSpan(i, Math.Min(width, x.Length - i)).CopyTo(chunk);
            result.AddRange(f(chunk));
        }

        return [.. result.Take(x.Length)];
    }
}
