namespace AiProfiler.Workloads.Inference;

/// <summary>Greedy decoding: the next token is the arg-max of its logits (the lowest id on ties).</summary>
internal static class GreedySampler
{
    /// <summary>Writes the arg-max of each of the <paramref name="rows"/> rows of <paramref name="logits"/> (rows × vocab).</summary>
    public static void Pick(float[] logits, int rows, int vocab, Span<int> next)
    {
        if ((long)rows * vocab < (1 << 20))
        {
            for (var r = 0; r < rows; r++)
            {
                next[r] = ArgMax(logits.AsSpan(r * vocab, vocab));
            }

            return;
        }

        var picked = new int[rows];
        Parallel.For(0, rows, r => picked[r] = ArgMax(logits.AsSpan(r * vocab, vocab)));
        picked.CopyTo(next);
    }

    /// <summary>The index of the largest value; NaN never wins.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        var max = float.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > max)
            {
                max = values[i];
                best = i;
            }
        }

        return best;
    }
}
