namespace AiProfiler.Workloads.Attention;

/// <summary>Attention in double precision on the host, one query row at a time, and the rows worth checking.</summary>
internal static class AttentionReference
{
    /// <summary>
    /// <c>softmax(scale·q·Kᵀ)·V</c> for one query over keys <c>0..lastKey</c> of one (batch, head), K and V
    /// being its <c>keys × d</c> row-major slices.
    /// </summary>
    public static double[] Row(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int headDim, int lastKey, double scale)
    {
        var scores = new double[lastKey + 1];
        var max = double.NegativeInfinity;
        for (var j = 0; j <= lastKey; j++)
        {
            var key = k.Slice(j * headDim, headDim);
            var dot = 0.0;
            for (var c = 0; c < headDim; c++)
            {
                dot += (double)q[c] * key[c];
            }

            scores[j] = dot * scale;
            max = Math.Max(max, scores[j]);
        }

        var output = new double[headDim];
        var sum = 0.0;
        for (var j = 0; j <= lastKey; j++)
        {
            var p = Math.Exp(scores[j] - max);
            sum += p;
            var value = v.Slice(j * headDim, headDim);
            for (var c = 0; c < headDim; c++)
            {
                output[c] += p * value[c];
            }
        }

        for (var c = 0; c < headDim; c++)
        {
            output[c] /= sum;
        }

        return output;
    }

    /// <summary>
    /// All of <c>0..count−1</c> when there are at most <paramref name="limit"/>, else the first three (where an
    /// off-by-one causal mask shows most), the last, and evenly spaced ones between (at most <paramref name="limit"/>, at least 4).
    /// </summary>
    public static IReadOnlyList<int> Sample(int count, int limit)
    {
        if (count <= limit)
        {
            return Enumerable.Range(0, count).ToArray();
        }

        var picked = new SortedSet<int> { 0, 1, 2, count - 1 };
        var spaced = limit - picked.Count;
        var inner = count - 4;
        for (var i = 0; i < spaced; i++)
        {
            // Distinct because inner >= spaced when count > limit.
            picked.Add(3 + (int)((long)i * inner / spaced));
        }

        return picked.ToArray();
    }
}
