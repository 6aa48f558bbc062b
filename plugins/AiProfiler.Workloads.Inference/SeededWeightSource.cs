using System.Globalization;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// Deterministic weights with GPT-2's initialization scales: matrices and embeddings with standard deviation 0.02,
/// residual projections 0.02/√(2L), position embeddings 0.01. Biases and LayerNorm γ/β get small random values rather
/// than GPT-2's zeros and ones, so that verification exercises every path. Element <c>i</c> of a tensor depends only on
/// (seed, tensor name, i), so filling runs in parallel and still gives the same weights everywhere.
/// </summary>
internal sealed class SeededWeightSource(ModelConfig config, long seed) : IWeightSource
{
    private const int ParallelChunk = 1 << 16;

    public string Description => string.Create(CultureInfo.InvariantCulture, $"seeded({seed})");

    public float[] Load(TensorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (center, std) = spec.Role switch
        {
            TensorRole.TokenEmbedding or TensorRole.Weight => (0f, 0.02f),
            TensorRole.ResidualWeight => (0f, 0.02f / MathF.Sqrt(2 * config.Layers)),
            TensorRole.PositionEmbedding => (0f, 0.01f),
            TensorRole.Bias => (0f, 0.02f),
            TensorRole.NormGain => (1f, 0.1f),
            _ => (0f, 0.05f),
        };
        var stream = SeededRandom.StreamOf(seed, spec.Name);
        var values = new float[spec.Elements];
        var chunks = (int)((values.Length + ParallelChunk - 1) / ParallelChunk);
        Parallel.For(0, chunks, chunk =>
        {
            var start = chunk * ParallelChunk;
            var end = Math.Min(values.Length, start + ParallelChunk);
            for (var i = start; i < end; i++)
            {
                values[i] = center + (std * SeededRandom.Uniform(stream, i));
            }
        });
        return values;
    }

    public void Dispose()
    {
    }
}
