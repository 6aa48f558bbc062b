namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>Supplies a Llama-family model's tensors one at a time in their stored types.</summary>
internal interface ILlamaWeightSource : IDisposable
{
    /// <summary>Where the weights come from: <c>seeded(1234) q4_k</c> or a file name.</summary>
    string Description { get; }

    /// <summary>Whether Q and K rows are stored permuted for interleaved rotary pairs (GGUF <c>llama</c>).</summary>
    bool InterleavedRope { get; }

    /// <summary>The tensor's bytes; throws <see cref="InvalidDataException"/> naming it when missing or misshapen.</summary>
    WeightTensor Load(TensorSpec spec);

    /// <summary>Per-pair rotary frequency divisors when the source carries them (GGUF <c>rope_freqs.weight</c>), else empty.</summary>
    float[] RopeFactors();
}
