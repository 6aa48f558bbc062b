using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// A Llama or Qwen2 checkpoint as Hugging Face publishes it: <c>config.json</c> (architectures, sizes, rope_theta,
/// rope_scaling, rms_norm_eps, tie_word_embeddings) beside one <c>.safetensors</c> file with <c>model.*</c> names.
/// Tensors (F32, F16, BF16) are read in place from a mapping of the file; Q and K keep Hugging Face's NeoX pairing.
/// </summary>
internal sealed unsafe class SafetensorsLlamaWeights : ILlamaWeightSource
{
    private readonly SafetensorsFile _file;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;

    private SafetensorsLlamaWeights(SafetensorsFile file, LlamaConfig config)
    {
        _file = file;
        Config = config;
        _map = MemoryMappedFile.CreateFromFile(file.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    /// <summary>The shape config.json describes.</summary>
    public LlamaConfig Config { get; }

    public string Description => System.IO.Path.GetFileName(_file.Path);

    public bool InterleavedRope => false;

    /// <summary>The config.json beside <paramref name="path"/> when it describes a Llama or Qwen2 model, else null.</summary>
    public static LlamaConfig? ConfigBeside(string path)
    {
        var configPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", "config.json");
        if (!File.Exists(configPath))
        {
            return null;
        }

        using var document = ParseConfig(configPath);
        var root = document.RootElement;
        var architecture = root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0
            ? list[0].GetString()
            : null;
        var arch = architecture switch
        {
            "LlamaForCausalLM" => "llama",
            "Qwen2ForCausalLM" => "qwen2",
            _ => null,
        };
        if (arch is null)
        {
            return null;
        }

        var d = Integer(root, "hidden_size", configPath);
        var heads = Integer(root, "num_attention_heads", configPath);
        RopeScaling? scaling = null;
        if (root.TryGetProperty("rope_scaling", out var rope) && rope.ValueKind == JsonValueKind.Object)
        {
            var type = rope.TryGetProperty("rope_type", out var t) || rope.TryGetProperty("type", out t) ? t.GetString() : null;
            var factor = type is "llama3" or "linear" ? Number(rope, "factor", configPath) : 0;
            if (!(factor > 0 && double.IsFinite(factor)) && type is "llama3" or "linear")
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{configPath}' has rope_scaling factor {factor}; expected a positive number"));
            }

            scaling = type switch
            {
                "llama3" => new RopeScaling(factor, Number(rope, "low_freq_factor", configPath),
                    Number(rope, "high_freq_factor", configPath), Integer(rope, "original_max_position_embeddings", configPath)),
                "linear" => RopeScaling.LinearBy(factor),
                _ => throw new InvalidDataException($"'{configPath}' has rope_scaling type '{type}'; supported: llama3, linear (or none)"),
            };
        }

        return new LlamaConfig(
            arch,
            Integer(root, "num_hidden_layers", configPath),
            d,
            heads,
            root.TryGetProperty("num_key_value_heads", out _) ? Integer(root, "num_key_value_heads", configPath) : heads,
            root.TryGetProperty("head_dim", out var hd) && hd.ValueKind == JsonValueKind.Number ? hd.GetInt32() : d / heads,
            Integer(root, "intermediate_size", configPath),
            Integer(root, "vocab_size", configPath),
            Integer(root, "max_position_embeddings", configPath),
            root.TryGetProperty("rope_theta", out _) ? Number(root, "rope_theta", configPath) : 10000,
            scaling,
            (float)Number(root, "rms_norm_eps", configPath),
            root.TryGetProperty("tie_word_embeddings", out var tie) && tie.ValueKind == JsonValueKind.True);
    }

    /// <summary>Opens the checkpoint and checks every tensor's presence, dtype and shape.</summary>
    public static SafetensorsLlamaWeights Open(string path, LlamaConfig config)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            var source = new SafetensorsLlamaWeights(file, config);
            foreach (var spec in LlamaTensors.For(config))
            {
                source.Find(spec);
            }

            return source;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Hugging Face's name for a tensor of <see cref="LlamaTensors"/>.</summary>
    public static string HuggingFaceName(string name)
    {
        if (name == LlamaTensors.TokenEmbedding)
        {
            return "model.embed_tokens.weight";
        }

        if (name == LlamaTensors.OutputNorm)
        {
            return "model.norm.weight";
        }

        if (name == LlamaTensors.Output)
        {
            return "lm_head.weight";
        }

        var parts = name.Split('.');
        var layer = parts[1];
        var suffix = parts[3];
        var module = parts[2] switch
        {
            "attn_norm" => "input_layernorm",
            "ffn_norm" => "post_attention_layernorm",
            "attn_q" => "self_attn.q_proj",
            "attn_k" => "self_attn.k_proj",
            "attn_v" => "self_attn.v_proj",
            "attn_output" => "self_attn.o_proj",
            "ffn_gate" => "mlp.gate_proj",
            "ffn_up" => "mlp.up_proj",
            _ => "mlp.down_proj",
        };
        return $"model.layers.{layer}.{module}.{suffix}";
    }

    public WeightTensor Load(TensorSpec spec)
    {
        var tensor = Find(spec);
        var type = tensor.DType switch
        {
            "F16" => DataType.Float16,
            "BF16" => DataType.BFloat16,
            _ => DataType.Float32,
        };
        return new WeightTensor(type, new MappedMemory(_base + tensor.Start, checked((int)(tensor.End - tensor.Start))).Memory);
    }

    public float[] RopeFactors() => [];

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _file.Dispose();
    }

    private static JsonDocument ParseConfig(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message.Split('\n')[0]}", e);
        }
    }

    private static int Integer(JsonElement element, string key, string path) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new InvalidDataException($"'{path}' lacks the integer '{key}' a Llama-family config needs");

    private static double Number(JsonElement element, string key, string path) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidDataException($"'{path}' lacks the number '{key}' a Llama-family config needs");

    private SafetensorsTensor Find(TensorSpec spec)
    {
        var name = HuggingFaceName(spec.Name);
        if (!_file.Tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"weights file '{_file.Path}' has no tensor '{name}', which a {Config.Describe()} model needs");
        }

        if (!tensor.Shape.SequenceEqual(spec.Shape.Select(d => (long)d)))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' in '{_file.Path}' has shape {TensorSpec.FormatShape(tensor.Shape)} but the model {Config.Describe()} needs {spec.ShapeText}"));
        }

        if (tensor.DType is not ("F32" or "F16" or "BF16"))
        {
            throw new InvalidDataException($"tensor '{name}' in '{_file.Path}' has dtype {tensor.DType}; supported: F32, F16, BF16");
        }

        return tensor;
    }
}
