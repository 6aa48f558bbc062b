namespace AiProfiler.Workloads.Inference;

/// <summary>
/// GPT-2 weights from a local safetensors file (as Hugging Face publishes them, with or without the
/// <c>transformer.</c> prefix). Each tensor must exist with exactly the shape the configured model needs.
/// </summary>
internal sealed class SafetensorsWeightSource : IWeightSource
{
    private const string Prefix = "transformer.";

    private readonly SafetensorsFile _file;
    private readonly ModelConfig _config;

    private SafetensorsWeightSource(SafetensorsFile file, ModelConfig config)
    {
        _file = file;
        _config = config;
    }

    public string Description => System.IO.Path.GetFileName(_file.Path);

    /// <summary>Opens the file and checks every tensor's presence and shape before any is read.</summary>
    public static SafetensorsWeightSource Open(string path, ModelConfig config)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            var source = new SafetensorsWeightSource(file, config);
            foreach (var spec in GptTensors.For(config))
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

    public float[] Load(TensorSpec spec) => _file.ReadFloat32(Find(spec));

    public void Dispose() => _file.Dispose();

    private SafetensorsTensor Find(TensorSpec spec)
    {
        if (!_file.Tensors.TryGetValue(spec.Name, out var tensor) && !_file.Tensors.TryGetValue(Prefix + spec.Name, out tensor))
        {
            throw new InvalidDataException($"weights file '{_file.Path}' has no tensor '{spec.Name}'; it is not a GPT-2 checkpoint of shape {_config.Describe()}");
        }

        if (!tensor.Shape.SequenceEqual(spec.Shape.Select(d => (long)d)))
        {
            throw new InvalidDataException(
                $"tensor '{tensor.Name}' in '{_file.Path}' has shape {TensorSpec.FormatShape(tensor.Shape)} but the model {_config.Describe()} needs {spec.ShapeText}; choose the preset or shapes that match the file");
        }

        if (tensor.DType is not ("F32" or "F16" or "BF16"))
        {
            throw new InvalidDataException($"tensor '{tensor.Name}' in '{_file.Path}' has dtype {tensor.DType}; supported: F32, F16, BF16");
        }

        return tensor;
    }
}
