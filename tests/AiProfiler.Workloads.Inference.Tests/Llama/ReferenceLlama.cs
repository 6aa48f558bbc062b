using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference.Tests.Llama;

/// <summary>
/// A float64 Llama forward pass written from the architecture's definition, independent of the device code: RMSNorm,
/// NeoX-paired rotary embedding with the configured frequencies, grouped-query causal attention, SwiGLU, output head.
/// </summary>
internal static class ReferenceLlama
{
    public static double[][] Logits(LlamaConfig c, Func<string, float[]> tensor, int[] tokens)
    {
        var n = tokens.Length;
        var d = c.DModel;
        var embedding = tensor(LlamaTensors.TokenEmbedding);
        var x = tokens.Select(t => embedding.AsSpan(t * d, d).ToArray().Select(v => (double)v).ToArray()).ToArray();
        var frequencies = c.RopeFrequencies();
        for (var l = 0; l < c.Layers; l++)
        {
            var h = x.Select(row => Norm(row, tensor(LlamaTensors.AttentionNorm(l)), c.NormEpsilon)).ToArray();
            var q = h.Select(row => Linear(row, tensor(LlamaTensors.Query(l)), c.QueryWidth, c.QkvBias ? tensor(LlamaTensors.QueryBias(l)) : null)).ToArray();
            var k = h.Select(row => Linear(row, tensor(LlamaTensors.Key(l)), c.KeyWidth, c.QkvBias ? tensor(LlamaTensors.KeyBias(l)) : null)).ToArray();
            var v = h.Select(row => Linear(row, tensor(LlamaTensors.Value(l)), c.KeyWidth, c.QkvBias ? tensor(LlamaTensors.ValueBias(l)) : null)).ToArray();
            for (var t = 0; t < n; t++)
            {
                Rotate(q[t], c.Heads, c.HeadDim, t, frequencies);
                Rotate(k[t], c.KeyHeads, c.HeadDim, t, frequencies);
            }

            var context = new double[n][];
            for (var t = 0; t < n; t++)
            {
                context[t] = new double[c.QueryWidth];
                for (var head = 0; head < c.Heads; head++)
                {
                    var kv = head / (c.Heads / c.KeyHeads);
                    var scores = new double[t + 1];
                    for (var j = 0; j <= t; j++)
                    {
                        for (var e = 0; e < c.HeadDim; e++)
                        {
                            scores[j] += q[t][(head * c.HeadDim) + e] * k[j][(kv * c.HeadDim) + e] / Math.Sqrt(c.HeadDim);
                        }
                    }

                    var max = scores.Max();
                    var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                    var sum = weights.Sum();
                    for (var j = 0; j <= t; j++)
                    {
                        for (var e = 0; e < c.HeadDim; e++)
                        {
                            context[t][(head * c.HeadDim) + e] += weights[j] / sum * v[j][(kv * c.HeadDim) + e];
                        }
                    }
                }
            }

            for (var t = 0; t < n; t++)
            {
                Add(x[t], Linear(context[t], tensor(LlamaTensors.AttentionOutput(l)), d, null));
                var normed = Norm(x[t], tensor(LlamaTensors.FeedForwardNorm(l)), c.NormEpsilon);
                var gate = Linear(normed, tensor(LlamaTensors.Gate(l)), c.FeedForward, null);
                var up = Linear(normed, tensor(LlamaTensors.Up(l)), c.FeedForward, null);
                var hidden = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                Add(x[t], Linear(hidden, tensor(LlamaTensors.Down(l)), d, null));
            }
        }

        var head0 = tensor(c.TiedHead ? LlamaTensors.TokenEmbedding : LlamaTensors.Output);
        return x.Select(row => Linear(Norm(row, tensor(LlamaTensors.OutputNorm), c.NormEpsilon), head0, c.Vocab, null)).ToArray();
    }

    private static double[] Norm(double[] x, float[] gamma, float epsilon)
    {
        var rstd = 1 / Math.Sqrt((x.Sum(v => v * v) / x.Length) + epsilon);
        return x.Select((v, i) => v * rstd * gamma[i]).ToArray();
    }

    // W is outputs × inputs, row-major.
    private static double[] Linear(double[] x, float[] w, int outputs, float[]? bias)
    {
        var y = new double[outputs];
        for (var o = 0; o < outputs; o++)
        {
            var sum = bias?[o] ?? 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                sum += x[i] * w[(o * x.Length) + i];
            }

            y[o] = sum;
        }

        return y;
    }

    private static void Rotate(double[] x, int heads, int headDim, int position, float[] frequencies)
    {
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < headDim / 2; i++)
            {
                int a = (head * headDim) + i, b = a + (headDim / 2);
                var angle = position * (double)frequencies[i];
                var (x0, x1) = (x[a], x[b]);
                x[a] = (x0 * Math.Cos(angle)) - (x1 * Math.Sin(angle));
                x[b] = (x0 * Math.Sin(angle)) + (x1 * Math.Cos(angle));
            }
        }
    }

    private static void Add(double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }
}
