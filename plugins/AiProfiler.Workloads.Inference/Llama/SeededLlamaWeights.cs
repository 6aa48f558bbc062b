using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// Deterministic weights for a Llama-family preset, with the initialization scales of Llama's reference code
/// (matrices and embedding σ = 0.02, residual projections 0.02/√(2L), RMSNorm γ around 1, biases σ = 0.02), drawn per
/// tensor name from the counter-based generator. Matrices are then stored in <paramref name="precision"/>, quantized as
/// ggml's reference quantizers do; norms and biases stay fp32, as llama.cpp keeps them.
/// </summary>
internal sealed class SeededLlamaWeights(LlamaConfig config, long seed, DataType precision) : ILlamaWeightSource
{
    public string Description => string.Create(CultureInfo.InvariantCulture, $"seeded({seed}) {precision.ShortName()}");

    public bool InterleavedRope => false;

    /// <summary>The fp32 values of a tensor before it is stored in the precision.</summary>
    public float[] Values(TensorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (center, std) = spec.Role switch
        {
            TensorRole.ResidualWeight => (0f, 0.02f / MathF.Sqrt(2 * config.Layers)),
            TensorRole.NormGain => (1f, 0.1f),
            _ => (0f, 0.02f),
        };
        var stream = SeededRandom.StreamOf(seed, spec.Name);
        var values = new float[spec.Elements];
        Parallel.For(0, (int)((values.Length + 65535L) / 65536), chunk =>
        {
            var end = Math.Min(values.Length, (chunk + 1) * 65536);
            for (var i = chunk * 65536; i < end; i++)
            {
                values[i] = center + (std * SeededRandom.Uniform(stream, i));
            }
        });
        return values;
    }

    public WeightTensor Load(TensorSpec spec) => Load(spec, precision);

    /// <summary>The tensor stored in <paramref name="matrixType"/> if it is a matrix (norms and biases stay fp32).</summary>
    public WeightTensor Load(TensorSpec spec, DataType matrixType)
    {
        var values = Values(spec);
        var type = LlamaTensors.IsMatrix(spec) ? matrixType : DataType.Float32;
        if (type == DataType.Float32)
        {
            var bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            return new WeightTensor(type, bytes);
        }

        // Rows are quantized independently, in parallel.
        var rows = spec.Shape[0];
        var inputs = spec.Shape[1];
        var rowBytes = (int)type.StorageBytes(inputs);
        var stored = new byte[(long)rows * rowBytes];
        Parallel.For(0, rows, r => QuantizedBlocks.Quantize(type, values.AsSpan(r * inputs, inputs), stored.AsSpan(r * rowBytes, rowBytes)));
        return new WeightTensor(type, stored);
    }

    public float[] RopeFactors() => [];

    public void Dispose()
    {
    }
}
