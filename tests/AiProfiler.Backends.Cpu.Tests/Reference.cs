namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>Double-precision references written from the textbook formulas, independent of the code under test.</summary>
internal static class Reference
{
    public static float[] Random(int count, int seed, double scale = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale))];
    }

    public static double[] Softmax(double[] row)
    {
        var max = row.Max();
        var e = row.Select(v => Math.Exp(v - max)).ToArray();
        var sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    public static double[] LayerNorm(double[] x, double[] gamma, double[] beta, double eps)
    {
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        return [.. x.Select((v, i) => ((v - mean) / Math.Sqrt(variance + eps) * gamma[i]) + beta[i])];
    }

    public static double[] RmsNorm(double[] x, double[] gamma, double eps)
    {
        var rms = Math.Sqrt(x.Select(v => v * v).Average() + eps);
        return [.. x.Select((v, i) => v / rms * gamma[i])];
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x))));

    public static double Silu(double x) => x / (1 + Math.Exp(-x));

    /// <summary>Central finite difference of <paramref name="f"/> with respect to each input, in double precision.</summary>
    public static double[] Gradient(double[] x, Func<double[], double> f, double h = 1e-5)
    {
        var g = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var saved = x[i];
            x[i] = saved + h;
            var up = f(x);
            x[i] = saved - h;
            var down = f(x);
            x[i] = saved;
            g[i] = (up - down) / (2 * h);
        }

        return g;
    }

    public static double Dot(IReadOnlyList<double> a, IReadOnlyList<float> w) => a.Select((v, i) => v * w[i]).Sum();

    public static double[] ToDouble(float[] values) => [.. values.Select(v => (double)v)];

    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]} (error {error})");
        }
    }
}
