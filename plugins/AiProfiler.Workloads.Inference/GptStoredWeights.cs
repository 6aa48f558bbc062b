using AiProfiler.Abstractions.Devices;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// Puts a GGUF <c>gpt2</c> file's tensors on a device for <see cref="GptDecoder"/>: matrices and embeddings as
/// stored, norms and biases widened to fp32, c_attn split by rows into Q, K and V (a row is a whole number of blocks,
/// so each part is a byte range of the stored tensor).
/// </summary>
internal static class GptStoredWeights
{
    /// <summary>The key of the file's untied output head among the weights.</summary>
    public const string OutputHead = "output.weight";

    /// <summary>
    /// Fills <paramref name="weights"/> under <see cref="GptTensors"/>' names (c_attn's weight and bias: Q's part)
    /// and returns each layer's K and V parts and the bytes a forward pass reads (all but the position table).
    /// </summary>
    public static (SplitQkv[] Splits, double Bytes) Load(IDevice device, ModelConfig config, GgufGptWeights file, Dictionary<string, IDeviceBuffer> weights, Func<long, DataType, IDeviceBuffer> allocate)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(weights);
        var d = config.DModel;
        var matrices = new IDeviceBuffer[config.Layers][];
        var biases = new IDeviceBuffer[config.Layers][];
        var bytes = 0.0;
        foreach (var spec in GptTensors.For(config))
        {
            var tensor = file.Load(spec);
            if (!device.Ops.SupportsWeights(tensor.Type))
            {
                throw new NotSupportedException($"tensor '{GptTensors.GgufName(spec.Name)}' is {tensor.Type.ShortName()}, which device '{device.Info.Id}' cannot multiply; choose another device");
            }

            var stored = spec.Shape.Length == 2;
            bytes += spec.Role == TensorRole.PositionEmbedding ? 0 : stored ? tensor.Bytes.Length : spec.Elements * sizeof(float);
            if (spec.Name == GptTensors.QkvWeight(Layer(spec)))
            {
                var part = tensor.Bytes.Length / 3;
                matrices[Layer(spec)] = [.. Enumerable.Range(0, 3).Select(p => WeightUpload.Stored(device, tensor with { Bytes = tensor.Bytes.Slice(p * part, part) }, allocate))];
            }
            else if (spec.Name == GptTensors.QkvBias(Layer(spec)))
            {
                var values = WeightUpload.Widen(tensor, spec.Elements);
                biases[Layer(spec)] = [.. Enumerable.Range(0, 3).Select(p =>
                {
                    var buffer = allocate(d, DataType.Float32);
                    device.Write<float>(buffer, values.AsSpan(p * d, d));
                    return buffer;
                })];
            }
            else
            {
                weights[spec.Name] = stored ? WeightUpload.Stored(device, tensor, allocate) : WeightUpload.Widened(device, tensor, spec.Elements, allocate);
            }
        }

        if (file.OutputHead() is { } head)
        {
            weights[OutputHead] = WeightUpload.Stored(device, head, allocate);
            bytes += head.Bytes.Length;
        }

        var splits = new SplitQkv[config.Layers];
        for (var l = 0; l < config.Layers; l++)
        {
            weights[GptTensors.QkvWeight(l)] = matrices[l][0];
            weights[GptTensors.QkvBias(l)] = biases[l][0];
            splits[l] = new SplitQkv(matrices[l][1], biases[l][1], matrices[l][2], biases[l][2]);
        }

        return (splits, bytes);
    }

    // h.{layer}.… names a block's tensor; other names (wte, ln_f) give -1, which no block has.
    private static int Layer(TensorSpec spec) =>
        spec.Name.StartsWith("h.", StringComparison.Ordinal) ? int.Parse(spec.Name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture) : -1;
}
