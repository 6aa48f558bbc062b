using System.Globalization;

namespace AiProfiler.Kernels.Tests;

/// <summary>Element-wise comparison with absolute and relative tolerance; infinities and NaN must match exactly.</summary>
internal static class Approx
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            var same = float.IsNaN(e) ? float.IsNaN(a)
                : float.IsInfinity(e) ? e == a
                : Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e));
            if (!same)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: expected {e:R}, got {a:R} (tolerance {tolerance})"));
            }
        }
    }

    /// <summary>Deterministic values in [-scale, scale).</summary>
    public static float[] Random(int seed, long length, float scale = 1f)
    {
        var random = new Random(seed);
        var data = new float[length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }

        return data;
    }
}
