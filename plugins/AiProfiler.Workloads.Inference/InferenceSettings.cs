using System.Globalization;
using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Workloads.Inference;

/// <summary>The validated parameters of one inference run.</summary>
/// <param name="Preset">The preset name, or <c>custom</c>.</param>
/// <param name="Config">The model shape.</param>
/// <param name="Batch">Sequences generated together.</param>
/// <param name="Prompt">Prompt tokens per sequence.</param>
/// <param name="Generate">Tokens generated per sequence (the first by prefill, the rest by decode steps).</param>
/// <param name="Seed">Seed of the weights (when not loaded) and the prompts.</param>
/// <param name="WeightsPath">A local safetensors file, or empty for seeded weights.</param>
internal sealed record InferenceSettings(string Preset, ModelConfig Config, int Batch, int Prompt, int Generate, long Seed, string WeightsPath)
{
    /// <summary>Logit rows kept for the cached-against-recomputed check: the first generated token and the last 16.</summary>
    public int VerifiedSteps => Math.Min(Generate, 17);

    /// <summary>Tokens the verification recomputes without a cache: the prompt and all generated tokens but the last.</summary>
    public int RecomputeLength => Prompt + Generate - 1;

    /// <summary>Parses and cross-checks the parameters; each problem is a one-line <see cref="ParameterException"/>.</summary>
    public static InferenceSettings From(ParameterSet parameters, string workloadName)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var preset = parameters.GetString("preset");
        var custom = new ModelConfig(
            parameters.GetInt32("layers"),
            parameters.GetInt32("d_model"),
            parameters.GetInt32("heads"),
            parameters.GetInt32("vocab"),
            parameters.GetInt32("context"));
        var config = custom;
        if (preset != "custom")
        {
            config = ModelConfig.FromPreset(preset) ?? throw new ParameterException($"unknown preset '{preset}' for workload '{workloadName}'");
            CheckUnset(workloadName, preset, "layers", custom.Layers, ModelConfig.Tiny.Layers, config.Layers);
            CheckUnset(workloadName, preset, "d_model", custom.DModel, ModelConfig.Tiny.DModel, config.DModel);
            CheckUnset(workloadName, preset, "heads", custom.Heads, ModelConfig.Tiny.Heads, config.Heads);
            CheckUnset(workloadName, preset, "vocab", custom.Vocab, ModelConfig.Tiny.Vocab, config.Vocab);
            CheckUnset(workloadName, preset, "context", custom.Context, ModelConfig.Tiny.Context, config.Context);
        }

        if (config.DModel % config.Heads != 0)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"d_model {config.DModel} of workload '{workloadName}' is not a multiple of heads {config.Heads}; choose heads that divide d_model"));
        }

        var largest = (long)Math.Max(config.Vocab, 4 * config.DModel) * config.DModel;
        if (largest > Array.MaxLength)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"the largest weight tensor of workload '{workloadName}' would hold {largest} elements, more than the {Array.MaxLength} one tensor can; choose a smaller vocab or d_model"));
        }

        var settings = new InferenceSettings(
            preset,
            config,
            parameters.GetInt32("batch"),
            parameters.GetInt32("prompt"),
            parameters.GetInt32("gen"),
            parameters.GetInt64("seed"),
            parameters.GetString("weights"));
        if (settings.Prompt + settings.Generate > config.Context)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"prompt {settings.Prompt} + gen {settings.Generate} exceeds the context of {config.Context} tokens of workload '{workloadName}'; shorten them or raise context"));
        }

        return settings;
    }

    /// <summary>e.g. <c>small L=12 D=768 H=12 V=50257 C=1024 B=1 prompt=128 gen=32 fp32</c>.</summary>
    public string Describe(string weights) => string.Create(CultureInfo.InvariantCulture,
        $"{Preset} {Config.Describe()} B={Batch} prompt={Prompt} gen={Generate} fp32 {weights}");

    private static void CheckUnset(string workloadName, string preset, string name, int value, int defaultValue, int presetValue)
    {
        if (value != defaultValue && value != presetValue)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"parameter '{name}' of workload '{workloadName}' is {value} but preset '{preset}' fixes it to {presetValue}; use preset=custom to choose shapes"));
        }
    }
}
