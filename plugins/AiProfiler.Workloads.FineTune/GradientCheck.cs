using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// Compares the analytic gradients of the backward pass with central finite differences of the loss,
/// (L(p + ε) − L(p − ε)) / 2ε, on a tiny model, for a sample of elements of every trainable tensor. Each tensor's
/// error is ‖g − ĝ‖ / max(‖g‖, ‖ĝ‖, floor) over its sample. The fp32 loss carries rounding noise of about 1e-7 relative,
/// which the difference quotient turns into about 2e-5 absolute; the floor judges tensors with tiny gradients (key
/// biases, whose gradient is exactly zero because softmax ignores a per-row shift; embedding rows absent from the
/// batch) by an absolute error of floor × tolerance = 1e-4 instead of dividing that noise by nearly nothing.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Step of the finite difference: large enough that fp32 rounding of the loss (~1e-7) stays small after dividing by 2ε.</summary>
    public const float Epsilon = 1e-2f;

    /// <summary>Allowed relative error; correct gradients agree to about 1e-3 here, a wrong term in the backward pass gives about 0.5.</summary>
    public const double Tolerance = 1e-2;

    private const double NormFloor = 1e-2;
    private const int SamplesPerTensor = 6;
    private const int Seed = 20240917;

    /// <summary>The tiny shape checked: two blocks so gradients flow through a whole block into another, causal attention over four positions.</summary>
    public static FineTuneConfig TinyConfig(FineTuneMode mode) =>
        new(mode, Layers: 2, DModel: 8, Heads: 2, Hidden: 16, Vocab: 11, Batch: 2, Seq: 4, Rank: 2, Alpha: 4, LearningRate: 1e-3, Seed: Seed);

    public static VerificationResult Run(IDevice device, FineTuneMode mode)
    {
        using var arena = new DeviceArena(device);
        var config = TinyConfig(mode);
        var model = new TransformerModel(arena, config, perturbedInitialization: true);
        model.SetBatch(new SyntheticTokens(config.Batch, config.Seq, config.Vocab, Seed));
        model.ComputeGradients();

        var random = new Random(Seed);
        var worst = 0.0;
        var worstName = "";
        var samples = 0;
        foreach (var tensor in model.Trainable)
        {
            var analytic = new float[tensor.Length];
            var values = new float[tensor.Length];
            device.Read<float>(tensor.Gradient!, analytic);
            device.Read<float>(tensor.Value, values);

            double diff = 0, analyticNorm = 0, numericNorm = 0;
            var count = (int)Math.Min(SamplesPerTensor, tensor.Length);
            foreach (var index in SampleIndices(random, tensor.Length, count))
            {
                var numeric = FiniteDifference(model, tensor, values[index], index);
                diff += Square(analytic[index] - numeric);
                analyticNorm += Square(analytic[index]);
                numericNorm += Square(numeric);
                samples++;
            }

            var error = Math.Sqrt(diff) / Math.Max(Math.Sqrt(Math.Max(analyticNorm, numericNorm)), NormFloor);
            if (error >= worst)
            {
                worst = error;
                worstName = tensor.Name;
            }
        }

        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{(mode == FineTuneMode.Full ? "full" : "lora")} gradient check: max relative error {worst:0.###e+0} ({worstName}) {(worst <= Tolerance ? "<=" : ">")} {Tolerance:0.#e+0} over {samples} samples of {model.Trainable.Count} tensors (eps {Epsilon})");
        return worst <= Tolerance ? VerificationResult.Pass(worst, detail) : VerificationResult.Fail(worst, detail);
    }

    private static double FiniteDifference(TransformerModel model, ParameterTensor tensor, float original, int index)
    {
        var device = tensor.Value.Device;
        Span<float> probe = stackalloc float[1];

        // The step actually taken is the difference of the rounded fp32 values, not 2ε.
        var plus = original + Epsilon;
        var minus = original - Epsilon;
        probe[0] = plus;
        device.Write<float>(tensor.Value, probe, index);
        var lossPlus = model.Loss();
        probe[0] = minus;
        device.Write<float>(tensor.Value, probe, index);
        var lossMinus = model.Loss();
        probe[0] = original;
        device.Write<float>(tensor.Value, probe, index);
        return (lossPlus - lossMinus) / ((double)plus - minus);
    }

    private static IEnumerable<int> SampleIndices(Random random, long length, int count)
    {
        var chosen = new HashSet<int>();
        while (chosen.Count < count)
        {
            chosen.Add(random.Next((int)length));
        }

        return chosen.Order();
    }

    private static double Square(double x) => x * x;
}
