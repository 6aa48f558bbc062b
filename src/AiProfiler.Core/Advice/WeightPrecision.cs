namespace AiProfiler.Core.Advice;

/// <summary>
/// How weights are stored: bytes per weight (ggml block formats include their scales: Q8_0 is 34 bytes per 32
/// weights, Q4_0 18 per 32, Q4_K 144 per 256, Q6_K 210 per 256), the KV cache's element size (fp16 for the halves and
/// the quantized formats, as llama.cpp keeps it), and the compute precision GEMMs run in.
/// </summary>
/// <param name="Name">fp32, fp16, bf16, q8_0, q4_0, q4_k, q6_k.</param>
/// <param name="BytesPerWeight">Stored bytes per weight.</param>
/// <param name="KvBytes">Bytes per KV-cache element.</param>
/// <param name="Quantized">True for the block-quantized formats (only LoRA can train on them).</param>
public sealed record WeightPrecision(string Name, double BytesPerWeight, double KvBytes, bool Quantized)
{
    /// <summary>Every precision the advisor knows.</summary>
    public static IReadOnlyList<WeightPrecision> All { get; } =
    [
        new("fp32", 4, 4, false),
        new("fp16", 2, 2, false),
        new("bf16", 2, 2, false),
        new("q8_0", 34.0 / 32, 2, true),
        new("q6_k", 210.0 / 256, 2, true),
        new("q4_k", 144.0 / 256, 2, true),
        new("q4_0", 18.0 / 32, 2, true),
    ];

    /// <summary>The precision named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static WeightPrecision? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
