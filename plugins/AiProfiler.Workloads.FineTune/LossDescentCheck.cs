using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// Trains a small model for <see cref="Steps"/> AdamW steps on <see cref="SyntheticTokens"/> (next token = token + 1)
/// and passes when the loss afterwards is below <see cref="RequiredRatio"/> of the loss before: an optimizer step
/// that computes wrong gradients or applies them wrongly does not learn this.
/// </summary>
internal static class LossDescentCheck
{
    public const int Steps = 50;

    public const double RequiredRatio = 0.5;

    private const int Seed = 7;

    /// <summary>
    /// The shape trained. LoRA trains far fewer parameters through a frozen random head, so it gets a higher learning
    /// rate, as LoRA fine-tuning usually does.
    /// </summary>
    public static FineTuneConfig TinyConfig(FineTuneMode mode) =>
        new(mode, Layers: 2, DModel: 32, Heads: 4, Hidden: 64, Vocab: 16, Batch: 4, Seq: 16, Rank: 4, Alpha: 8,
            LearningRate: mode == FineTuneMode.Full ? 1e-2 : 3e-2, Seed: Seed);

    public static VerificationResult Run(IDevice device, FineTuneMode mode)
    {
        using var arena = new DeviceArena(device);
        var config = TinyConfig(mode);
        var model = new TransformerModel(arena, config, perturbedInitialization: false);
        model.SetBatch(new SyntheticTokens(config.Batch, config.Seq, config.Vocab, Seed));
        var initial = model.Loss();
        for (var i = 0; i < Steps; i++)
        {
            model.Step();
        }

        var final = model.Loss();
        var ratio = final / initial;
        var passed = double.IsFinite(final) && ratio < RequiredRatio;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{(mode == FineTuneMode.Full ? "full" : "lora")} training: loss {initial:0.###} -> {final:0.###} after {Steps} steps ({ratio:P0} of initial, {(passed ? "<" : "not <")} {RequiredRatio:P0})");
        return passed ? VerificationResult.Pass(ratio, detail) : VerificationResult.Fail(ratio, detail);
    }
}
