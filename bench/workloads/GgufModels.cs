using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Workloads.Inference;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// Writes the seeded Llama-shaped GGUF files bench/llama-cpp/run.sh measures both engines on: one per type (f32, f16,
/// q8_0, q4_0, and q4_k_m: Q4_K with Q6_K for the output head, attn_v and ffn_down, as llama.cpp's Q4_K_M mostly does).
/// Usage: <c>gguf dir=/path layers=12 [types=f32,f16,q8_0,q4_0,q4_k_m]</c>.
/// </summary>
internal static class GgufModels
{
    public static void Write(BenchOptions options)
    {
        var directory = options.Get("dir", "bench/llama-cpp/models");
        Directory.CreateDirectory(directory);
        // Llama-3.2-1B's widths with a 32 k vocabulary and fewer layers: 0.67 G parameters, 2.7 GB in f32 and 0.4 GB
        // in 4 bits, larger than the L3 of current CPUs at every type.
        var config = LlamaConfig.OneB with
        {
            Layers = options.GetInt32("layers", 12),
            Vocab = options.GetInt32("vocab", 32000),
            Context = 4096,
            TiedHead = false,
        };
        foreach (var name in options.Get("types", "f32,f16,q8_0,q4_0,q4_k_m").Split(','))
        {
            var (precision, mixed) = name switch
            {
                "f32" => (DataType.Float32, false),
                "f16" => (DataType.Float16, false),
                "q8_0" => (DataType.Q8_0, false),
                "q4_0" => (DataType.Q4_0, false),
                "q4_k_m" => (DataType.Q4_K, true),
                _ => throw new ArgumentException($"unknown GGUF type '{name}'; use f32, f16, q8_0, q4_0 or q4_k_m"),
            };
            var path = Path.Combine(directory, $"llama-bench-{name}.gguf");
            using var weights = new SeededLlamaWeights(config, 1234, precision);
            GgufWriter.WriteModel(path, config, weights, (metadata, _) => AddVocabulary(metadata, config.Vocab), mixed ? MediumMix : null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({new FileInfo(path).Length / 1e9:0.00} GB, {config.Describe()})"));
        }
    }

    /// <summary>
    /// A placeholder SentencePiece vocabulary (unknown, BOS, EOS, the 256 byte tokens SentencePiece falls back to, then
    /// one token per id): prompts are token ids, but llama.cpp initializes a tokenizer for every model it loads.
    /// </summary>
    private static void AddVocabulary(Dictionary<string, object> metadata, int vocab)
    {
        metadata["tokenizer.ggml.model"] = "llama";
        metadata["tokenizer.ggml.tokens"] = Enumerable.Range(0, vocab).Select(i => i switch
        {
            0 => "<unk>",
            1 => "<s>",
            2 => "</s>",
            < 259 => string.Create(CultureInfo.InvariantCulture, $"<0x{i - 3:X2}>"),
            _ => string.Create(CultureInfo.InvariantCulture, $"\u2581t{i}"),
        }).ToArray();
        metadata["tokenizer.ggml.scores"] = Enumerable.Range(0, vocab).Select(i => -(float)i).ToArray();
        metadata["tokenizer.ggml.token_type"] = Enumerable.Range(0, vocab).Select(i => i switch { 0 => 2, 1 or 2 => 3, < 259 => 6, _ => 1 }).ToArray();
        metadata["tokenizer.ggml.bos_token_id"] = 1u;
        metadata["tokenizer.ggml.eos_token_id"] = 2u;
    }

    private static DataType? MediumMix(TensorSpec spec) =>
        spec.Name == LlamaTensors.Output || spec.Name.EndsWith("attn_v.weight", StringComparison.Ordinal) || spec.Name.EndsWith("ffn_down.weight", StringComparison.Ordinal)
            ? DataType.Q6_K
            : null;
}
