using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace AiProfiler.Core.Advice;

/// <summary>
/// Reads a model's shape from a local file without loading its weights: a Hugging Face <c>config.json</c>, the JSON
/// header of a <c>.safetensors</c> file (shapes from tensor names), or the metadata of a <c>.gguf</c> file. Anything
/// else is an <see cref="InvalidDataException"/> with one line naming the problem.
/// </summary>
public static class ModelFileReader
{
    private const uint GgufMagic = 0x46554747; // "GGUF" little-endian

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static ModelArchitecture Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file '{path}' does not exist; give a catalog name or the path of a config.json, .safetensors or .gguf file", path);
        }

        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[8];
        var read = stream.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        stream.Position = 0;
        try
        {
            if (read >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == GgufMagic)
            {
                return Gguf(stream, path);
            }

            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            {
                return Safetensors(stream, path, read == 8 ? BinaryPrimitives.ReadInt64LittleEndian(head) : -1);
            }

            return Config(stream, path);
        }
        catch (Exception ex) when (ex is JsonException or EndOfStreamException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"'{path}' is not a model file this reads ({ex.Message.Split('\n')[0]}); give a config.json, .safetensors or .gguf file", ex);
        }
    }

    private static ModelArchitecture Config(Stream stream, string path)
    {
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        int? Int(params string[] names) => names.Select(n => root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : (int?)null).FirstOrDefault(v => v is not null);
        bool? Bool(string name) => root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
        var type = root.TryGetProperty("model_type", out var t) ? t.GetString() ?? "" : "";
        var layers = Int("num_hidden_layers", "n_layer") ?? throw Missing(path, "num_hidden_layers");
        var width = Int("hidden_size", "n_embd") ?? throw Missing(path, "hidden_size");
        var heads = Int("num_attention_heads", "n_head") ?? throw Missing(path, "num_attention_heads");
        var gpt2 = type == "gpt2" || root.TryGetProperty("n_embd", out _);
        var precision = root.TryGetProperty("torch_dtype", out var dt) ? dt.GetString() : null;
        return new ModelArchitecture
        {
            Name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) is { Length: > 0 } folder ? folder : path,
            Layers = layers,
            DModel = width,
            Heads = heads,
            KvHeads = Int("num_key_value_heads") ?? heads,
            HeadDim = Int("head_dim") ?? width / heads,
            FfnDim = Int("intermediate_size", "n_inner") ?? 4 * width,
            GatedFfn = !gpt2,
            Vocab = Int("vocab_size") ?? throw Missing(path, "vocab_size"),
            Context = Int("max_position_embeddings", "n_positions", "n_ctx") ?? 2048,
            TiedEmbeddings = Bool("tie_word_embeddings") ?? gpt2,
            LearnedPositions = gpt2,
            AttentionBias = gpt2 || type == "qwen2",
            NormsPerLayer = type.StartsWith("gemma2", StringComparison.Ordinal) ? 4 : 2,
            Experts = Int("num_local_experts") ?? 1,
            ExpertsPerToken = Int("num_experts_per_tok") ?? 1,
            Source = $"config.json {path}",
            FilePrecision = precision switch { "float32" => "fp32", "float16" => "fp16", "bfloat16" => "bf16", _ => null },
        };
    }

    private static ModelArchitecture Safetensors(Stream stream, string path, long headerLength)
    {
        if (headerLength <= 0 || headerLength > 100L << 20 || headerLength > stream.Length - 8)
        {
            throw new InvalidDataException($"'{path}' is not a safetensors file (header length {headerLength}); give a config.json, .safetensors or .gguf file");
        }

        var header = new byte[headerLength];
        stream.Position = 8;
        stream.ReadExactly(header);
        using var document = JsonDocument.Parse(header);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var dtypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in document.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
        {
            shapes[tensor.Name] = tensor.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            dtypes.Add(tensor.Value.GetProperty("dtype").GetString() ?? "");
        }

        long[] Shape(string suffix) => shapes.FirstOrDefault(p => p.Key.EndsWith(suffix, StringComparison.Ordinal)).Value
            ?? throw new InvalidDataException($"'{path}' has no tensor named *{suffix}; only GPT-2 and Llama-style tensor names are understood");
        int Blocks(string marker) => shapes.Keys.Select(k => k.IndexOf(marker, StringComparison.Ordinal) is var i and >= 0 && int.TryParse(k.AsSpan(i + marker.Length).ToString().Split('.')[0], out var n) ? n + 1 : 0).DefaultIfEmpty(0).Max();
        var precision = dtypes.Count == 1 ? dtypes.First() switch { "F32" => "fp32", "F16" => "fp16", "BF16" => "bf16", _ => null } : null;
        if (shapes.Keys.Any(k => k.EndsWith("attn.c_attn.weight", StringComparison.Ordinal)))
        {
            var wte = Shape("wte.weight");
            var width = (int)wte[1];
            return new ModelArchitecture
            {
                Name = Path.GetFileName(path),
                Layers = Blocks("h."),
                DModel = width,
                Heads = Math.Max(1, width / 64),
                KvHeads = Math.Max(1, width / 64),
                HeadDim = 64,
                FfnDim = (int)Shape("mlp.c_fc.weight")[1],
                GatedFfn = false,
                Vocab = (int)wte[0],
                Context = (int)Shape("wpe.weight")[0],
                TiedEmbeddings = true,
                LearnedPositions = true,
                AttentionBias = true,
                Source = $"safetensors header {path} (GPT-2 names; heads assumed of size 64)",
                FilePrecision = precision,
            };
        }

        var embed = Shape("embed_tokens.weight");
        var q = Shape("self_attn.q_proj.weight");
        var k = Shape("self_attn.k_proj.weight");
        var d = (int)embed[1];
        // Head size is not in the shapes: 128 is what the Llama/Mistral/Qwen families use at this width and above, 64 below.
        var headDim = d >= 3072 ? 128 : 64;
        return new ModelArchitecture
        {
            Name = Path.GetFileName(path),
            Layers = Blocks("layers."),
            DModel = d,
            Heads = (int)(q[0] / headDim),
            KvHeads = (int)(k[0] / headDim),
            HeadDim = headDim,
            FfnDim = (int)Shape("mlp.up_proj.weight")[0],
            GatedFfn = true,
            Vocab = (int)embed[0],
            Context = 4096,
            TiedEmbeddings = !shapes.Keys.Any(n => n.EndsWith("lm_head.weight", StringComparison.Ordinal)),
            AttentionBias = shapes.Keys.Any(n => n.EndsWith("q_proj.bias", StringComparison.Ordinal)),
            Source = $"safetensors header {path} (head size {headDim} assumed, context 4096 assumed)",
            FilePrecision = precision,
        };
    }

    private static ModelArchitecture Gguf(Stream stream, string path)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        reader.ReadUInt32();
        var version = reader.ReadUInt32();
        if (version is < 2 or > 3)
        {
            throw new InvalidDataException($"'{path}' is GGUF version {version}; versions 2 and 3 are understood");
        }

        reader.ReadUInt64();
        var count = reader.ReadUInt64();
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < count; i++)
        {
            var key = ReadGgufString(reader);
            values[key] = ReadGgufValue(reader, reader.ReadUInt32());
        }

        var arch = values.TryGetValue("general.architecture", out var a) ? (string)a : throw new InvalidDataException($"'{path}' has no general.architecture");
        long Get(string name, long? fallback = null) => values.TryGetValue($"{arch}.{name}", out var v) ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)
            : fallback ?? throw new InvalidDataException($"'{path}' has no {arch}.{name}");
        var width = (int)Get("embedding_length");
        var heads = (int)Get("attention.head_count");
        var vocab = values.TryGetValue("tokenizer.ggml.tokens", out var tokens) ? (long)tokens : Get("vocab_size");
        var fileType = values.TryGetValue("general.file_type", out var ft) ? Convert.ToInt32(ft, System.Globalization.CultureInfo.InvariantCulture) : -1;
        return new ModelArchitecture
        {
            Name = values.TryGetValue("general.name", out var n) ? (string)n : Path.GetFileName(path),
            Layers = (int)Get("block_count"),
            DModel = width,
            Heads = heads,
            KvHeads = (int)Get("attention.head_count_kv", heads),
            HeadDim = (int)Get("attention.key_length", width / heads),
            FfnDim = (int)Get("feed_forward_length"),
            GatedFfn = arch != "gpt2",
            Vocab = (int)vocab,
            Context = (int)Get("context_length", 2048),
            TiedEmbeddings = arch is "gpt2" or "gemma2" or "gemma",
            LearnedPositions = arch == "gpt2",
            AttentionBias = arch is "gpt2" or "qwen2",
            NormsPerLayer = arch == "gemma2" ? 4 : 2,
            Experts = (int)Get("expert_count", 1),
            ExpertsPerToken = (int)Get("expert_used_count", 1),
            Source = $"gguf metadata {path}",
            // llama.cpp's LLAMA_FTYPE numbering: 0 F32, 1 F16, 2 Q4_0, 7 Q8_0, 14/15 Q4_K (S/M), 18 Q6_K, 32 BF16.
            FilePrecision = fileType switch { 0 => "fp32", 1 => "fp16", 2 => "q4_0", 7 => "q8_0", 14 or 15 => "q4_k", 18 => "q6_k", 32 => "bf16", _ => null },
        };
    }

    private static string ReadGgufString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        if (length > 1 << 20)
        {
            throw new InvalidDataException($"a GGUF string of {length} bytes is not plausible");
        }

        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    /// <summary>One metadata value; an array comes back as its element count (the tokenizer's vocabulary size is all that is needed of arrays).</summary>
    private static object ReadGgufValue(BinaryReader reader, uint type) => type switch
    {
        0 => reader.ReadByte(),
        1 => reader.ReadSByte(),
        2 => reader.ReadUInt16(),
        3 => reader.ReadInt16(),
        4 => reader.ReadUInt32(),
        5 => reader.ReadInt32(),
        6 => reader.ReadSingle(),
        7 => reader.ReadBoolean(),
        8 => ReadGgufString(reader),
        9 => SkipArray(reader),
        10 => reader.ReadUInt64(),
        11 => reader.ReadInt64(),
        12 => reader.ReadDouble(),
        _ => throw new InvalidDataException($"unknown GGUF value type {type}"),
    };

    private static long SkipArray(BinaryReader reader)
    {
        var type = reader.ReadUInt32();
        var length = reader.ReadUInt64();
        if (length > 1 << 24)
        {
            throw new InvalidDataException($"a GGUF array of {length} elements is not plausible");
        }

        for (ulong i = 0; i < length; i++)
        {
            ReadGgufValue(reader, type);
        }

        return (long)length;
    }

    private static InvalidDataException Missing(string path, string field) =>
        new($"'{path}' has no '{field}'; give a Hugging Face config.json, .safetensors or .gguf file");
}
