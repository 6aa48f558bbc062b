using System.Globalization;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// A Llama or Qwen2 model from a GGUF file as llama.cpp writes it: the shape from the <c>{arch}.*</c> metadata keys,
/// tensors by llama.cpp's names, read in place from the mapping. <c>llama</c> files store Q and K rows permuted for
/// interleaved rotary pairs; <c>qwen2</c> files use the NeoX pairing.
/// </summary>
internal sealed class GgufLlamaWeights : ILlamaWeightSource
{
    private readonly GgufFile _file;

    private GgufLlamaWeights(GgufFile file, LlamaConfig config)
    {
        _file = file;
        Config = config;
    }

    /// <summary>The model shape the file describes.</summary>
    public LlamaConfig Config { get; }

    public string Description => System.IO.Path.GetFileName(_file.Path);

    public bool InterleavedRope => Config.Architecture == "llama";

    /// <summary>Opens the file, derives the shape from its metadata and checks every tensor's presence, type and shape.</summary>
    public static GgufLlamaWeights Open(string path)
    {
        var file = GgufFile.Open(path);
        try
        {
            var source = new GgufLlamaWeights(file, ConfigOf(file));
            foreach (var spec in LlamaTensors.For(source.Config))
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

    public WeightTensor Load(TensorSpec spec)
    {
        var tensor = Find(spec);
        return new WeightTensor(tensor.Type, _file.Data(tensor));
    }

    public float[] RopeFactors()
    {
        if (!_file.Tensors.TryGetValue(LlamaTensors.RopeFactors, out var tensor))
        {
            return [];
        }

        if (tensor.Type != DataType.Float32 || tensor.Elements != Config.HeadDim / 2)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"tensor '{tensor.Name}' in '{_file.Path}' is {tensor.Type.ShortName()} {TensorSpec.FormatShape(tensor.Shape)}; expected f32 [{Config.HeadDim / 2}]"));
        }

        return MemoryMarshal.Cast<byte, float>(_file.Data(tensor).Span).ToArray();
    }

    public void Dispose() => _file.Dispose();

    private static LlamaConfig ConfigOf(GgufFile file)
    {
        var arch = file.Text("general.architecture");
        if (arch is not ("llama" or "qwen2"))
        {
            throw new InvalidDataException($"'{file.Path}' holds a '{arch}' model; supported GGUF architectures: llama, qwen2, gpt2");
        }

        var d = checked((int)file.Integer($"{arch}.embedding_length"));
        var heads = checked((int)file.Integer($"{arch}.attention.head_count"));
        if (heads < 1 || d % heads != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"metadata key '{arch}.attention.head_count' in '{file.Path}' is {heads}, which does not divide embedding_length {d}"));
        }

        var keyHeads = checked((int)file.Integer($"{arch}.attention.head_count_kv", heads));
        if (keyHeads < 1 || heads % keyHeads != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"metadata key '{arch}.attention.head_count_kv' in '{file.Path}' is {keyHeads}, which does not divide head_count {heads}"));
        }

        var headDim = checked((int)file.Integer($"{arch}.rope.dimension_count", d / heads));
        var vocab = file.Tensors.TryGetValue(LlamaTensors.TokenEmbedding, out var embedding) ? (int)embedding.Shape[0] : 0;
        return new LlamaConfig(
            arch,
            checked((int)file.Integer($"{arch}.block_count")),
            d,
            heads,
            keyHeads,
            headDim,
            checked((int)file.Integer($"{arch}.feed_forward_length")),
            checked((int)file.Integer($"{arch}.vocab_size", vocab)),
            checked((int)file.Integer($"{arch}.context_length")),
            file.Float($"{arch}.rope.freq_base", 10000),
            ScalingOf(file, arch),
            (float)file.Float($"{arch}.attention.layer_norm_rms_epsilon"),
            !file.Tensors.ContainsKey(LlamaTensors.Output));
    }

    /// <summary>
    /// <c>{arch}.rope.scaling.type</c> (llama.cpp's names): <c>none</c> or absent, or <c>linear</c> with
    /// <c>.rope.scaling.factor</c> (older files: <c>.rope.scale_linear</c>). Llama 3's scaling is no type here: the
    /// converter writes it as the <c>rope_freqs</c> tensor. Others (yarn, longrope) are refused.
    /// </summary>
    private static RopeScaling? ScalingOf(GgufFile file, string arch)
    {
        var typeKey = $"{arch}.rope.scaling.type";
        var factorKey = $"{arch}.rope.scaling.factor";
        var type = file.Metadata.ContainsKey(typeKey) ? file.Text(typeKey) : null;
        if (type is null && file.Metadata.ContainsKey($"{arch}.rope.scale_linear"))
        {
            (type, factorKey) = ("linear", $"{arch}.rope.scale_linear");
        }

        switch (type)
        {
            case null or "none":
                return null;
            case "linear":
                var factor = file.Float(factorKey);
                return factor > 0 && double.IsFinite(factor)
                    ? RopeScaling.LinearBy(factor)
                    : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"metadata key '{factorKey}' in '{file.Path}' is {factor}; expected a positive number"));
            default:
                throw new InvalidDataException($"metadata key '{typeKey}' in '{file.Path}' is '{type}'; supported: none, linear (Llama 3's scaling comes as the tensor '{LlamaTensors.RopeFactors}')");
        }
    }

    private GgufTensor Find(TensorSpec spec)
    {
        if (!_file.Tensors.TryGetValue(spec.Name, out var tensor))
        {
            throw new InvalidDataException($"weights file '{_file.Path}' has no tensor '{spec.Name}', which a {Config.Describe()} model needs");
        }

        if (!tensor.Shape.SequenceEqual(spec.Shape.Select(d => (long)d)))
        {
            throw new InvalidDataException(
                $"tensor '{tensor.Name}' in '{_file.Path}' has shape {TensorSpec.FormatShape(tensor.Shape)} but the model {Config.Describe()} needs {spec.ShapeText}");
        }

        return tensor;
    }
}
