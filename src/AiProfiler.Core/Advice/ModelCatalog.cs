namespace AiProfiler.Core.Advice;

/// <summary>
/// The models people run, with the architecture numbers their publishers give (model cards and the
/// <c>config.json</c> of each release) and the parameter count each publisher states.
/// </summary>
public static class ModelCatalog
{
    /// <summary>Every catalog model, smallest family first.</summary>
    public static IReadOnlyList<ModelArchitecture> All { get; } =
    [
        Gpt2("gpt2", 12, 768, 12, 124_439_808),
        Gpt2("gpt2-medium", 24, 1024, 16, 354_823_168),
        Gpt2("gpt2-large", 36, 1280, 20, 774_030_080),
        Gpt2("gpt2-xl", 48, 1600, 25, 1_557_611_200),
        Llama("llama-3.2-1b", 16, 2048, 32, 8, 64, 8192, 128256, 131072, tied: true, 1_235_814_400),
        Llama("llama-3.2-3b", 28, 3072, 24, 8, 128, 8192, 128256, 131072, tied: true, 3_212_749_824),
        Llama("llama-3.1-8b", 32, 4096, 32, 8, 128, 14336, 128256, 131072, tied: false, 8_030_261_248),
        Llama("llama-3.1-70b", 80, 8192, 64, 8, 128, 28672, 128256, 131072, tied: false, 70_553_706_496),
        Llama("llama-3.1-405b", 126, 16384, 128, 8, 128, 53248, 128256, 131072, tied: false, 405_853_388_800),
        Llama("mistral-7b", 32, 4096, 32, 8, 128, 14336, 32000, 32768, tied: false, 7_241_732_096),
        Llama("mixtral-8x7b", 32, 4096, 32, 8, 128, 14336, 32000, 32768, tied: false, 46_702_792_704) with { Experts = 8, ExpertsPerToken = 2 },
        Qwen("qwen2.5-0.5b", 24, 896, 14, 2, 4864, 151936, tied: true, 494_032_768),
        Qwen("qwen2.5-1.5b", 28, 1536, 12, 2, 8960, 151936, tied: true, 1_543_714_304),
        Qwen("qwen2.5-7b", 28, 3584, 28, 4, 18944, 152064, tied: false, 7_615_616_512),
        Qwen("qwen2.5-32b", 64, 5120, 40, 8, 27648, 152064, tied: false, 32_763_876_352),
        Qwen("qwen2.5-72b", 80, 8192, 64, 8, 29568, 152064, tied: false, 72_706_203_648),
        Llama("phi-3-mini", 32, 3072, 32, 32, 96, 8192, 32064, 4096, tied: false, 3_821_079_552),
        Gemma("gemma-2-2b", 26, 2304, 8, 4, 9216, 2_614_341_888),
        Gemma("gemma-2-9b", 42, 3584, 16, 8, 14336, 9_241_705_984),
    ];

    /// <summary>The model named <paramref name="name"/> (case-insensitive; <c>gpt2-small</c> is <c>gpt2</c>), or null.</summary>
    public static ModelArchitecture? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant() switch
        {
            "gpt2-small" or "gpt-2" or "gpt-2-small" => "gpt2",
            var other => other.Replace("gpt-2", "gpt2", StringComparison.Ordinal),
        };
        return All.FirstOrDefault(m => m.Name == key);
    }

    /// <summary>Up to five catalog names closest to <paramref name="name"/> (by edit distance, then shared prefix).</summary>
    public static IReadOnlyList<string> Suggest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant();
        return All
            .Select(m => (m.Name, Distance: EditDistance(key, m.Name) - (m.Name.Contains(key, StringComparison.Ordinal) || key.Contains(m.Name, StringComparison.Ordinal) ? 4 : 0)))
            .OrderBy(p => p.Distance)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(5)
            .Select(p => p.Name)
            .ToArray();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private static ModelArchitecture Gpt2(string name, int layers, int width, int heads, long published) => new()
    {
        Name = name,
        Layers = layers,
        DModel = width,
        Heads = heads,
        KvHeads = heads,
        HeadDim = width / heads,
        FfnDim = 4 * width,
        GatedFfn = false,
        Vocab = 50257,
        Context = 1024,
        TiedEmbeddings = true,
        LearnedPositions = true,
        AttentionBias = true,
        PublishedParameters = published,
        Source = "OpenAI GPT-2 (Radford et al. 2019); counts from the Hugging Face release",
    };

    private static ModelArchitecture Llama(string name, int layers, int width, int heads, int kvHeads, int headDim, int ffn, int vocab, int context, bool tied, long published) => new()
    {
        Name = name,
        Layers = layers,
        DModel = width,
        Heads = heads,
        KvHeads = kvHeads,
        HeadDim = headDim,
        FfnDim = ffn,
        GatedFfn = true,
        Vocab = vocab,
        Context = context,
        TiedEmbeddings = tied,
        PublishedParameters = published,
        Source = "the publisher's config.json and model card",
    };

    private static ModelArchitecture Qwen(string name, int layers, int width, int heads, int kvHeads, int ffn, int vocab, bool tied, long published) =>
        Llama(name, layers, width, heads, kvHeads, width / heads, ffn, vocab, 32768, tied, published) with { AttentionBias = true };

    private static ModelArchitecture Gemma(string name, int layers, int width, int heads, int kvHeads, int ffn, long published) =>
        Llama(name, layers, width, heads, kvHeads, 256, ffn, 256000, 8192, tied: true, published) with { NormsPerLayer = 4 };
}
