using System.Globalization;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// A GPT-2 model from a GGUF <c>gpt2</c> file as llama.cpp's converter writes it: the shape from the <c>gpt2.*</c>
/// metadata keys, tensors under llama.cpp's names (<see cref="GptTensors.GgufName"/>) with Conv1D matrices transposed
/// to <c>[out, in]</c> and Q, K and V fused in <c>attn_qkv</c> (rows Q, then K, then V), read in place from the
/// mapping in their stored types. <c>output.weight</c> is optional (older converters wrote a copy of the embedding).
/// </summary>
internal sealed class GgufGptWeights : IDisposable
{
    private const string Output = "output.weight";

    private readonly GgufFile _file;

    private GgufGptWeights(GgufFile file, ModelConfig config)
    {
        _file = file;
        Config = config;
    }

    /// <summary>The model shape the file describes.</summary>
    public ModelConfig Config { get; }

    /// <summary>Bytes the weights take on a device: matrices and embeddings as stored, norms and biases widened to fp32.</summary>
    public long DeviceBytes { get; private set; }

    /// <summary>The file name, for the shape line.</summary>
    public string Description => System.IO.Path.GetFileName(_file.Path);

    /// <summary>Whether <paramref name="path"/> is a GGUF file of architecture <c>gpt2</c>.</summary>
    public static bool IsGpt2(string path)
    {
        using var file = GgufFile.Open(path);
        return file.Text("general.architecture") == "gpt2";
    }

    /// <summary>Opens the file, derives the shape from its metadata and checks every tensor's presence and shape.</summary>
    public static GgufGptWeights Open(string path)
    {
        var file = GgufFile.Open(path);
        try
        {
            var source = new GgufGptWeights(file, ConfigOf(file));
            foreach (var spec in GptTensors.For(source.Config))
            {
                var tensor = source.Find(spec);
                source.DeviceBytes += spec.Shape.Length == 2 ? tensor.Bytes : spec.Elements * sizeof(float);
            }

            source.DeviceBytes += source.OutputHead()?.Bytes.Length ?? 0;
            return source;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The tensor of <paramref name="spec"/> (named and shaped as in <see cref="GptTensors"/>) as the file stores it.</summary>
    public WeightTensor Load(TensorSpec spec)
    {
        var tensor = Find(spec);
        return new WeightTensor(tensor.Type, _file.Data(tensor));
    }

    /// <summary>The untied output head <c>[V, D]</c> when the file has one, else null (tied to the token embedding).</summary>
    public WeightTensor? OutputHead()
    {
        if (!_file.Tensors.TryGetValue(Output, out var tensor))
        {
            return null;
        }

        Check(tensor, [Config.Vocab, Config.DModel]);
        return new WeightTensor(tensor.Type, _file.Data(tensor));
    }

    public void Dispose() => _file.Dispose();

    private static ModelConfig ConfigOf(GgufFile file)
    {
        var d = checked((int)file.Integer("gpt2.embedding_length"));
        var heads = checked((int)file.Integer("gpt2.attention.head_count"));
        if (heads < 1 || d % heads != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"metadata key 'gpt2.attention.head_count' in '{file.Path}' is {heads}, which does not divide embedding_length {d}"));
        }

        var feedForward = file.Integer("gpt2.feed_forward_length");
        if (feedForward != 4L * d)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"metadata key 'gpt2.feed_forward_length' in '{file.Path}' is {feedForward}; GPT-2's MLP is 4 × embedding_length = {4L * d}"));
        }

        var epsilon = file.Float("gpt2.attention.layer_norm_epsilon");
        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"metadata key 'gpt2.attention.layer_norm_epsilon' in '{file.Path}' is {epsilon}; expected a small positive number such as 1e-5"));
        }

        var vocab = file.Tensors.TryGetValue(GptTensors.GgufName(GptTensors.TokenEmbedding), out var embedding) ? embedding.Shape[0] : 0;
        return new ModelConfig(
            checked((int)file.Integer("gpt2.block_count")),
            d,
            heads,
            checked((int)file.Integer("gpt2.vocab_size", vocab)),
            checked((int)file.Integer("gpt2.context_length"))) { NormEpsilon = (float)epsilon };
    }

    private GgufTensor Find(TensorSpec spec)
    {
        var name = GptTensors.GgufName(spec.Name);
        if (!_file.Tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"weights file '{_file.Path}' has no tensor '{name}', which a gpt2 {Config.Describe()} model needs");
        }

        Check(tensor, GptTensors.GgufShape(spec));
        return tensor;
    }

    private void Check(GgufTensor tensor, int[] shape)
    {
        if (!tensor.Shape.SequenceEqual(shape.Select(d => (long)d)))
        {
            throw new InvalidDataException(
                $"tensor '{tensor.Name}' in '{_file.Path}' has shape {TensorSpec.FormatShape(tensor.Shape)} but the model gpt2 {Config.Describe()} needs {TensorSpec.FormatShape(shape)}");
        }
    }
}
