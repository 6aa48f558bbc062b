namespace AiProfiler.Workloads.Inference.Tests;

public sealed class SafetensorsWeightSourceTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Fact]
    public void Open_FileWithoutATensor_ThrowsNamingItAndTheModel()
    {
        var path = _directory.File("partial.safetensors");
        SafetensorsWriter.Write(path, [("wte.weight", "F32", [256, 64], new byte[256 * 64 * 4])]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsWeightSource.Open(path, ModelConfig.Tiny));

        Assert.Equal($"weights file '{path}' has no tensor 'wpe.weight'; it is not a GPT-2 checkpoint of shape L=2 D=64 H=4 V=256 C=64", error.Message);
    }

    [Fact]
    public void Open_TensorOfAnotherShape_ThrowsNamingBothShapes()
    {
        var path = _directory.File("small.safetensors");
        using (var weights = new SeededWeightSource(ModelConfig.Tiny, 1))
        {
            SafetensorsWriter.WriteModel(path, ModelConfig.Tiny, weights);
        }

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsWeightSource.Open(path, ModelConfig.Tiny with { Vocab = 300 }));

        Assert.Equal($"tensor 'wte.weight' in '{path}' has shape [256, 64] but the model L=2 D=64 H=4 V=300 C=64 needs [300, 64]; choose the preset or shapes that match the file", error.Message);
    }

    [Fact]
    public void Load_HalfPrecisionCheckpoint_WidensToFloat()
    {
        var path = _directory.File("half.safetensors");
        using (var weights = new SeededWeightSource(ModelConfig.Tiny, 1))
        {
            SafetensorsWriter.Write(path, GptTensors.For(ModelConfig.Tiny).Select(spec => (
                spec.Name,
                "F16",
                spec.Shape.Select(d => (long)d).ToArray(),
                SafetensorsWriter.Halves(weights.Load(spec).Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray()))));
        }

        using var source = SafetensorsWeightSource.Open(path, ModelConfig.Tiny);
        using var seeded = new SeededWeightSource(ModelConfig.Tiny, 1);
        var spec = GptTensors.For(ModelConfig.Tiny)[2];

        Assert.Equal(seeded.Load(spec).Select(v => (float)(Half)v), source.Load(spec));
        Assert.Equal("half.safetensors", source.Description);
    }

    public void Dispose() => _directory.Dispose();
}
