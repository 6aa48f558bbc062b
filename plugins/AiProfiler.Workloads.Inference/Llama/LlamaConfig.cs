using System.Globalization;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// The shape of a Llama-family decoder: token embedding, RMSNorm pre-norm blocks with rotary grouped-query attention
/// and a SwiGLU MLP, a final RMSNorm and an output head (tied to the embedding or its own). Qwen2 adds biases to Q, K
/// and V.
/// </summary>
/// <param name="Architecture"><c>llama</c> or <c>qwen2</c>, as GGUF's <c>general.architecture</c> names them.</param>
/// <param name="Layers">Blocks L.</param>
/// <param name="DModel">Width D.</param>
/// <param name="Heads">Query heads H.</param>
/// <param name="KeyHeads">Key/value heads (grouped-query attention when fewer than H).</param>
/// <param name="HeadDim">Head size d (usually D / H).</param>
/// <param name="FeedForward">MLP width F.</param>
/// <param name="Vocab">Vocabulary V.</param>
/// <param name="Context">Trained context length (positions beyond it are refused).</param>
/// <param name="RopeTheta">Rotary base θ.</param>
/// <param name="RopeScaling">Llama 3's or linear frequency scaling, or null.</param>
/// <param name="NormEpsilon">RMSNorm ε.</param>
/// <param name="TiedHead">Whether the output head is the token embedding.</param>
internal sealed record LlamaConfig(
    string Architecture,
    int Layers,
    int DModel,
    int Heads,
    int KeyHeads,
    int HeadDim,
    int FeedForward,
    int Vocab,
    int Context,
    double RopeTheta,
    RopeScaling? RopeScaling,
    float NormEpsilon,
    bool TiedHead)
{
    /// <summary>
    /// A model for tests: 2 layers, D=256 (one Q4_K super-block per row), 4 heads of 64 sharing 2 KV heads, F=512,
    /// V=256, Llama 3 rope scaling, untied head (about 1 M parameters).
    /// </summary>
    public static LlamaConfig Tiny { get; } = new("llama", 2, 256, 4, 2, 64, 512, 256, 256, 10000, new RopeScaling(8, 1, 4, 64), 1e-5f, false);

    /// <summary>Qwen2's variant for tests: like <see cref="Tiny"/> with Q, K and V biases and a tied head.</summary>
    public static LlamaConfig QwenTiny { get; } = new("qwen2", 2, 256, 4, 2, 64, 512, 256, 256, 1000000, null, 1e-6f, true);

    /// <summary>
    /// Shaped like Llama-3.2-1B: 16 layers, D=2048, 32 heads sharing 8 KV heads of 64, F=8192, V=128256, θ=500000 with
    /// Llama 3 scaling (factor 32, low 1, high 4, original context 8192), tied head. 1.24 G parameters, 4.9 GB in fp32.
    /// </summary>
    public static LlamaConfig OneB { get; } = new("llama", 16, 2048, 32, 8, 64, 8192, 128256, 131072, 500000, new RopeScaling(32, 1, 4, 8192), 1e-5f, true);

    /// <summary>Whether Q, K and V have biases (Qwen2).</summary>
    public bool QkvBias => Architecture == "qwen2";

    /// <summary>Query width H·d.</summary>
    public int QueryWidth => Heads * HeadDim;

    /// <summary>Key (and value) width Hkv·d.</summary>
    public int KeyWidth => KeyHeads * HeadDim;

    /// <summary>The named presets.</summary>
    public static LlamaConfig? FromPreset(string name) => name switch
    {
        "llama-tiny" => Tiny,
        "qwen2-tiny" => QwenTiny,
        "llama-1b" => OneB,
        _ => null,
    };

    /// <summary>e.g. <c>llama L=16 D=2048 H=32/8 d=64 F=8192 V=128256</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Architecture} L={Layers} D={DModel} H={Heads}/{KeyHeads} d={HeadDim} F={FeedForward} V={Vocab}");

    /// <summary>
    /// The rotary frequency of each pair (radians per position): θ^(−2i/d), divided by Llama 3's scaling where it
    /// applies, or by <paramref name="factors"/> (GGUF's <c>rope_freqs.weight</c>) when a file gives them, and by a
    /// linear scaling's factor.
    /// </summary>
    public float[] RopeFrequencies(ReadOnlySpan<float> factors = default)
    {
        var half = HeadDim / 2;
        var frequencies = new float[half];
        for (var i = 0; i < half; i++)
        {
            var frequency = 1.0 / Math.Pow(RopeTheta, 2.0 * i / HeadDim);
            if (!factors.IsEmpty)
            {
                frequency /= factors[i];
            }

            // A file's per-pair factors already are Llama 3's scaling; linear scaling applies on top, as in llama.cpp.
            if (RopeScaling is { } scaling && (scaling.IsLinear || factors.IsEmpty))
            {
                frequency = scaling.Scale(frequency);
            }

            frequencies[i] = (float)frequency;
        }

        return frequencies;
    }
}
