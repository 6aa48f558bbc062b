namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>GPT-2's forward pass in double precision on the host, without a cache: logits at every position.</summary>
internal static class ReferenceGpt
{
    public static double[][] Logits(ModelConfig c, Func<string, float[]> weight, int[] tokens)
    {
        var t = tokens.Length;
        var d = c.DModel;
        var wte = weight(GptTensors.TokenEmbedding);
        var wpe = weight(GptTensors.PositionEmbedding);
        var x = new double[t][];
        for (var i = 0; i < t; i++)
        {
            x[i] = new double[d];
            for (var j = 0; j < d; j++)
            {
                x[i][j] = (double)wte[(tokens[i] * d) + j] + wpe[(i * d) + j];
            }
        }

        for (var l = 0; l < c.Layers; l++)
        {
            var h = Norm(x, weight(GptTensors.Norm1Gain(l)), weight(GptTensors.Norm1Bias(l)));
            var qkv = Linear(h, weight(GptTensors.QkvWeight(l)), weight(GptTensors.QkvBias(l)));
            var context = Attend(c, qkv);
            Add(x, Linear(context, weight(GptTensors.ProjectionWeight(l)), weight(GptTensors.ProjectionBias(l))));
            h = Norm(x, weight(GptTensors.Norm2Gain(l)), weight(GptTensors.Norm2Bias(l)));
            var up = Linear(h, weight(GptTensors.MlpUpWeight(l)), weight(GptTensors.MlpUpBias(l)));
            foreach (var row in up)
            {
                for (var j = 0; j < row.Length; j++)
                {
                    var v = row[j];
                    row[j] = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v))));
                }
            }

            Add(x, Linear(up, weight(GptTensors.MlpDownWeight(l)), weight(GptTensors.MlpDownBias(l))));
        }

        var final = Norm(x, weight(GptTensors.FinalNormGain), weight(GptTensors.FinalNormBias));
        var logits = new double[t][];
        for (var i = 0; i < t; i++)
        {
            logits[i] = new double[c.Vocab];
            for (var v = 0; v < c.Vocab; v++)
            {
                var sum = 0.0;
                for (var j = 0; j < d; j++)
                {
                    sum += final[i][j] * wte[(v * d) + j];
                }

                logits[i][v] = sum;
            }
        }

        return logits;
    }

    private static double[][] Attend(ModelConfig c, double[][] qkv)
    {
        var t = qkv.Length;
        var d = c.DModel;
        var hd = c.HeadDim;
        var output = new double[t][];
        for (var i = 0; i < t; i++)
        {
            output[i] = new double[d];
        }

        for (var head = 0; head < c.Heads; head++)
        {
            var q = head * hd;
            var k = d + (head * hd);
            var v = (2 * d) + (head * hd);
            for (var i = 0; i < t; i++)
            {
                var scores = new double[i + 1];
                for (var j = 0; j <= i; j++)
                {
                    for (var e = 0; e < hd; e++)
                    {
                        scores[j] += qkv[i][q + e] * qkv[j][k + e];
                    }

                    scores[j] /= Math.Sqrt(hd);
                }

                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var total = weights.Sum();
                for (var j = 0; j <= i; j++)
                {
                    for (var e = 0; e < hd; e++)
                    {
                        output[i][q + e] += weights[j] / total * qkv[j][v + e];
                    }
                }
            }
        }

        return output;
    }

    private static double[][] Norm(double[][] x, float[] gain, float[] bias)
    {
        return x.Select(row =>
        {
            var mean = row.Average();
            var variance = row.Select(v => (v - mean) * (v - mean)).Average();
            var rstd = 1 / Math.Sqrt(variance + 1e-5);
            return row.Select((v, j) => ((v - mean) * rstd * gain[j]) + bias[j]).ToArray();
        }).ToArray();
    }

    private static double[][] Linear(double[][] x, float[] weight, float[] bias)
    {
        var outputs = bias.Length;
        return x.Select(row =>
        {
            var y = bias.Select(b => (double)b).ToArray();
            for (var i = 0; i < row.Length; i++)
            {
                for (var o = 0; o < outputs; o++)
                {
                    y[o] += row[i] * weight[(i * outputs) + o];
                }
            }

            return y;
        }).ToArray();
    }

    private static void Add(double[][] x, double[][] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            for (var j = 0; j < x[i].Length; j++)
            {
                x[i][j] += y[i][j];
            }
        }
    }
}
