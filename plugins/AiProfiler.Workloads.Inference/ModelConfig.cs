using System.Globalization;

namespace AiProfiler.Workloads.Inference;

/// <summary>The shape of a GPT-2-style decoder: learned token and position embeddings, pre-LayerNorm blocks, tied LM head.</summary>
/// <param name="Layers">Transformer blocks L.</param>
/// <param name="DModel">Model width D.</param>
/// <param name="Heads">Attention heads H (D must be a multiple).</param>
/// <param name="Vocab">Vocabulary size V.</param>
/// <param name="Context">Maximum sequence length C (position embeddings and KV-cache capacity).</param>
internal sealed record ModelConfig(int Layers, int DModel, int Heads, int Vocab, int Context)
{
    /// <summary>A model for tests: 2 layers, D=64, 4 heads, V=256, C=64 (about 0.1 M parameters).</summary>
    public static ModelConfig Tiny { get; } = new(2, 64, 4, 256, 64);

    /// <summary>GPT-2 small: 12 layers, D=768, 12 heads, V=50257, C=1024 (124 M parameters, 475 MiB in fp32).</summary>
    public static ModelConfig Small { get; } = new(12, 768, 12, 50257, 1024);

    /// <summary>
    /// GPT-2 medium: 24 layers, D=1024, 16 heads, V=50257, C=1024 (355 M parameters, 1.3 GiB in fp32), larger than
    /// the last-level cache of any current CPU, so decode streams its weights from DRAM.
    /// </summary>
    public static ModelConfig Medium { get; } = new(24, 1024, 16, 50257, 1024);

    /// <summary>LayerNorm ε (GPT-2: 1e-5; a GGUF file's <c>gpt2.attention.layer_norm_epsilon</c>).</summary>
    public float NormEpsilon { get; init; } = 1e-5f;

    /// <summary>Head size d = D / H.</summary>
    public int HeadDim => DModel / Heads;

    /// <summary>Parameters of one block: four weight matrices (12·D²), their biases (9·D) and two LayerNorms (4·D).</summary>
    public long BlockParameters => (12L * DModel * DModel) + (13L * DModel);

    /// <summary>All parameters, with the LM head tied to the token embedding (counted once).</summary>
    public long ParameterCount => ((long)Vocab * DModel) + ((long)Context * DModel) + (Layers * BlockParameters) + (2L * DModel);

    /// <summary>Parameters every generated token multiplies with: the blocks' weight matrices and the LM head.</summary>
    public long MatmulParameters => (Layers * 12L * DModel * DModel) + ((long)Vocab * DModel);

    /// <summary>The named presets.</summary>
    public static ModelConfig? FromPreset(string name) => name switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "medium" => Medium,
        _ => null,
    };

    /// <summary>e.g. <c>L=12 D=768 H=12 V=50257 C=1024</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"L={Layers} D={DModel} H={Heads} V={Vocab} C={Context}");
}
