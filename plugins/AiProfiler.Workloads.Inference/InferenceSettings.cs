using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference;

/// <summary>The validated parameters of one inference run.</summary>
/// <param name="Preset">The preset name, or <c>custom</c>.</param>
/// <param name="Config">The model shape.</param>
/// <param name="Batch">Sequences generated together.</param>
/// <param name="Prompt">Prompt tokens per sequence.</param>
/// <param name="Generate">Tokens generated per sequence (the first by prefill, the rest by decode steps).</param>
/// <param name="Seed">Seed of the weights (when not loaded) and the prompts.</param>
/// <param name="WeightsPath">A local safetensors or GGUF file, or empty for seeded weights.</param>
internal sealed record InferenceSettings(string Preset, ModelConfig Config, int Batch, int Prompt, int Generate, long Seed, string WeightsPath)
{
    /// <summary>The Llama-family shape when the model is one (a <c>llama-*</c>/<c>qwen2-*</c> preset or a GGUF file), else null (GPT-2).</summary>
    public LlamaConfig? Llama { get; init; }

    /// <summary>The type seeded Llama weights are stored in.</summary>
    public DataType Precision { get; init; } = DataType.Float32;

    /// <summary>
    /// Bytes of the weights as loaded on the device, once they are: a weight file keeps its own types (a Q8_0 GGUF
    /// is read as Q8_0 whatever <see cref="Precision"/> says), so the cost model counts these instead. Null before
    /// loading and for fp32 GPT-2 weights (seeded or safetensors).
    /// </summary>
    public double? LoadedWeightBytes { get; init; }

    /// <summary>
    /// Device bytes of a GGUF <c>gpt2</c> file's weights as <see cref="GptDecoder"/> holds them (stored types, norms
    /// and biases widened to fp32, an untied head included), known from the file's header; null for fp32 GPT-2 weights.
    /// </summary>
    public long? FileWeightBytes { get; init; }

    /// <summary>Explicit prompt token ids (every sequence gets them), or empty for seeded prompts.</summary>
    public IReadOnlyList<int> PromptIds { get; init; } = [];

    /// <summary>Whether the weights come from a GGUF file (GPT-2 or Llama family), in its stored types.</summary>
    public bool GgufWeights => WeightsPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    /// <summary>Positions the KV cache holds per sequence: the longest sequence generation or verification builds.</summary>
    public int CacheCapacity => Prompt + Generate;

    /// <summary>Logit rows kept for the cached-against-recomputed check: the first generated token and the last 16.</summary>
    public int VerifiedSteps => Math.Min(Generate, 17);

    /// <summary>Tokens the verification recomputes without a cache: the prompt and all generated tokens but the last.</summary>
    public int RecomputeLength => Prompt + Generate - 1;

    /// <summary>Parses and cross-checks the parameters; each problem is a one-line <see cref="ParameterException"/>.</summary>
    public static InferenceSettings From(ParameterSet parameters, string workloadName)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var preset = parameters.GetString("preset");
        var weightsPath = parameters.GetString("weights");
        var precision = parameters.GetString("precision");
        var promptIds = ParsePromptIds(parameters.GetString("prompt_ids"), workloadName);
        var prompt = promptIds.Count > 0 ? promptIds.Count : parameters.GetInt32("prompt");
        var llama = LlamaConfig.FromPreset(preset);
        ModelConfig? fromFile = null;
        long? fileBytes = null;
        if (weightsPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && GgufGptWeights.IsGpt2(weightsPath))
        {
            using var file = GgufGptWeights.Open(weightsPath);
            (llama, fromFile, fileBytes) = (null, file.Config, file.DeviceBytes);
        }
        else if (weightsPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            using var file = GgufLlamaWeights.Open(weightsPath);
            llama = file.Config;
        }
        else if (weightsPath.Length > 0 && SafetensorsLlamaWeights.ConfigBeside(weightsPath) is { } fromConfig)
        {
            llama = fromConfig;
        }

        if (llama is not null)
        {
            return ForLlama(parameters, workloadName, preset, llama, precision, promptIds, prompt, weightsPath);
        }

        // A GGUF gpt2 file sets the shape and keeps its own types, whatever precision says (as Llama-family files do).
        if (precision != "fp32" && fromFile is null)
        {
            throw new ParameterException($"precision '{precision}' of workload '{workloadName}' applies to Llama-family models (preset llama-tiny, qwen2-tiny, llama-1b or a .gguf file); GPT-2 presets run in fp32");
        }

        var custom = new ModelConfig(
            parameters.GetInt32("layers"),
            parameters.GetInt32("d_model"),
            parameters.GetInt32("heads"),
            parameters.GetInt32("vocab"),
            parameters.GetInt32("context"));
        var config = fromFile ?? custom;
        if (preset != "custom" && fromFile is null)
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
            fromFile is null ? preset : "file",
            config,
            parameters.GetInt32("batch"),
            prompt,
            parameters.GetInt32("gen"),
            parameters.GetInt64("seed"),
            weightsPath) { PromptIds = promptIds, FileWeightBytes = fileBytes };
        CheckPromptIds(settings, config.Vocab, workloadName);
        if (settings.Prompt + settings.Generate > config.Context)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"prompt {settings.Prompt} + gen {settings.Generate} exceeds the context of {config.Context} tokens of workload '{workloadName}'; shorten them or raise context"));
        }

        return settings;
    }

    /// <summary>e.g. <c>small L=12 D=768 H=12 V=50257 C=1024 B=1 prompt=128 gen=32 fp32</c>.</summary>
    public string Describe(string weights) => string.Create(CultureInfo.InvariantCulture,
        $"{Preset} {(Llama is { } llama ? llama.Describe() : Config.Describe())} B={Batch} prompt={Prompt} gen={Generate} {(Llama is null && !GgufWeights ? "fp32 " : string.Empty)}{weights}");

    private static InferenceSettings ForLlama(ParameterSet parameters, string workloadName, string preset, LlamaConfig llama, string precision, IReadOnlyList<int> promptIds, int prompt, string weightsPath)
    {
        DataType type;
        try
        {
            type = DataTypeExtensions.ParseShortName(precision);
        }
        catch (ArgumentException)
        {
            type = DataType.Int32;
        }

        if (!(type == DataType.Float32 || type == DataType.Float16 || type == DataType.BFloat16 || type.IsBlockQuantized()))
        {
            throw new ParameterException($"precision '{precision}' of workload '{workloadName}' is not a weight type; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
        }

        if (type.IsBlockQuantized() && (llama.DModel % type.BlockValues() != 0 || llama.FeedForward % type.BlockValues() != 0 || llama.QueryWidth % type.BlockValues() != 0))
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"precision '{precision}' of workload '{workloadName}' needs rows that are whole blocks of {type.BlockValues()} values, but the model has D={llama.DModel} F={llama.FeedForward}; choose another precision"));
        }

        var settings = new InferenceSettings(
            weightsPath.Length > 0 ? "file" : preset,
            ModelConfig.Tiny,
            parameters.GetInt32("batch"),
            prompt,
            parameters.GetInt32("gen"),
            parameters.GetInt64("seed"),
            weightsPath)
        {
            Llama = llama,
            Precision = type,
            PromptIds = promptIds,
        };
        if (settings.Prompt + settings.Generate > llama.Context)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"prompt {settings.Prompt} + gen {settings.Generate} exceeds the context of {llama.Context} tokens of workload '{workloadName}'; shorten them"));
        }

        CheckPromptIds(settings, llama.Vocab, workloadName);
        return settings;
    }

    private static List<int> ParsePromptIds(string text, string workloadName)
    {
        var ids = new List<int>();
        if (text.Length == 0)
        {
            return ids;
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new ParameterException($"prompt_ids of workload '{workloadName}' has '{part}', which is not a token id; give comma-separated non-negative integers");
            }

            ids.Add(id);
        }

        return ids;
    }

    private static void CheckPromptIds(InferenceSettings settings, int vocab, string workloadName)
    {
        var outside = settings.PromptIds.FirstOrDefault(id => id >= vocab, -1);
        if (outside >= 0)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"prompt_ids of workload '{workloadName}' has token {outside}, outside the vocabulary of {vocab}; give ids below {vocab}"));
        }
    }

    private static void CheckUnset(string workloadName, string preset, string name, int value, int defaultValue, int presetValue)
    {
        if (value != defaultValue && value != presetValue)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"parameter '{name}' of workload '{workloadName}' is {value} but preset '{preset}' fixes it to {presetValue}; use preset=custom to choose shapes"));
        }
    }
}
