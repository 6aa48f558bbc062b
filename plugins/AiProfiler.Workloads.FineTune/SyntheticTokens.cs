namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// A learnable synthetic language: tokens drawn uniformly from a seed, and each position's target is the next token
/// in the cyclic order, (token + 1) mod V. A model that has learnt it predicts every target with certainty, so the
/// loss can fall from about ln V towards 0.
/// </summary>
internal sealed class SyntheticTokens
{
    public SyntheticTokens(int batch, int seq, int vocab, int seed)
    {
        var random = new Random(seed);
        Ids = new int[batch * seq];
        Targets = new int[batch * seq];
        Positions = new int[batch * seq];
        for (var i = 0; i < Ids.Length; i++)
        {
            Ids[i] = random.Next(vocab);
            Targets[i] = (Ids[i] + 1) % vocab;
            Positions[i] = i % seq;
        }
    }

    /// <summary>Input token ids, B × S.</summary>
    public int[] Ids { get; }

    /// <summary>Target token ids, B × S.</summary>
    public int[] Targets { get; }

    /// <summary>Position of each token in its sequence, B × S.</summary>
    public int[] Positions { get; }
}
