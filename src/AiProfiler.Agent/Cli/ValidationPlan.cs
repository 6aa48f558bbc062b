using System.Globalization;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// One bounded validation run on one device: the workload's parameters, the model it really builds (fewer layers,
/// a shorter prompt or fewer generated tokens than the scenario where the full size would not fit or would take too
/// long) and the prediction for exactly that run; or why the workload cannot build the scenario's model.
/// </summary>
/// <param name="Workload"><c>inference</c> or <c>finetune</c>.</param>
/// <param name="Parameters">The workload's parameters.</param>
/// <param name="Run">What runs, e.g. <c>inference llama-1b q8_0 B=1 prompt=256 gen=32</c>.</param>
/// <param name="Predicted">Each compared metric (<c>ttft_seconds</c>, <c>tpot_seconds</c>, <c>step_seconds</c>) with its prediction.</param>
/// <param name="Problem">Why nothing runs, or null.</param>
internal sealed record ValidationPlan(string Workload, IReadOnlyDictionary<string, string> Parameters, string Run, IReadOnlyList<(string Metric, double Value)> Predicted, string? Problem)
{
    public const int MaxPrompt = 256;
    public const int MaxGenerate = 32;
    public const int MaxBatch = 8;

    /// <summary>Predicted seconds one timed iteration may take; a longer one is shortened (prompt, then tokens, then layers).</summary>
    public const double IterationBudgetSeconds = 20;

    /// <summary>Largest tokens per sequence of a fine-tuning run, and the predicted seconds one step may take.</summary>
    public const int MaxSequence = 128;

    public const double StepBudgetSeconds = 10;

    /// <summary>
    /// The same run predicted from other ceilings (<see cref="CalibrationCache.Recheck"/>'s): each metric of
    /// <see cref="Predicted"/> with its value, and the basis the figures came from.
    /// </summary>
    public Func<DeviceCalibration, (IReadOnlyList<(string Metric, double Value)> Predicted, string Basis)>? Repredict { get; init; }

    /// <summary>
    /// The Llama-family shapes the inference workload builds from its presets (seeded weights in any precision):
    /// preset, layers, width, heads, KV heads, FFN width, vocabulary, tied head, Q/K/V biases.
    /// </summary>
    private static readonly (string Preset, int Layers, int DModel, int Heads, int KvHeads, int Ffn, int Vocab, bool Tied, bool Bias)[] LlamaPresets =
    [
        ("llama-1b", 16, 2048, 32, 8, 8192, 128256, true, false),
        ("llama-tiny", 2, 256, 4, 2, 512, 256, false, false),
        ("qwen2-tiny", 2, 256, 4, 2, 512, 256, true, true),
    ];

    /// <summary>The inference workload's run for <paramref name="model"/> on <paramref name="device"/> with <paramref name="available"/> bytes free.</summary>
    public static ValidationPlan Inference(ModelArchitecture model, WeightPrecision precision, DeviceCalibration device, AdviceScenario scenario, long available)
    {
        var preset = LlamaPresets.FirstOrDefault(p => !model.LearnedPositions && model.GatedFfn && model.Experts == 1
            && (p.Layers, p.DModel, p.Heads, p.KvHeads, p.Ffn, p.Vocab, p.Tied, p.Bias) == (model.Layers, model.DModel, model.Heads, model.KvHeads, model.FfnDim, model.Vocab, model.TiedEmbeddings, model.AttentionBias)
            && model.HeadDim * model.Heads == model.DModel).Preset;
        var gpt = model.LearnedPositions && !model.GatedFfn && model.KvHeads == model.Heads && model.Experts == 1 && model.DModel % model.Heads == 0;
        if (preset is null && !gpt)
        {
            return Refused("inference", $"the inference workload builds GPT-2 shapes and the Llama-family shapes of its presets ({string.Join(", ", LlamaPresets.Select(p => p.Preset))}), not {model.Name}");
        }

        if (gpt && precision.Name != "fp32")
        {
            return Refused("inference", $"the inference workload runs GPT-2 shapes in fp32 only, not {precision.Name}");
        }

        // The workload keeps the KV cache and activations in fp32 whatever the weights are.
        var run = precision with { KvBytes = 4 };
        var generate = Math.Min(scenario.OutputTokens, MaxGenerate);
        var prompt = Math.Min(Math.Min(scenario.PromptTokens, MaxPrompt), model.Context - generate);
        var batch = Math.Clamp(scenario.Concurrency ?? 1, 1, MaxBatch);
        var built = model;
        (double Ttft, double Tpot, string Basis) predicted;
        while (true)
        {
            predicted = Advisor.PredictRun(built, run, device, batch, prompt, generate);
            var bytes = (ModelArithmetic.TotalParameters(built) * run.BytesPerWeight) + (ModelArithmetic.KvBytesPerToken(built, 4) * batch * (prompt + generate));
            var fits = bytes <= available * 0.8;
            if (fits && predicted.Ttft + ((generate - 1) * predicted.Tpot) <= IterationBudgetSeconds)
            {
                break;
            }

            if (fits && prompt > 16)
            {
                prompt /= 2;
            }
            else if (fits && generate > 4)
            {
                generate /= 2;
            }
            else if (gpt && built.Layers > 1)
            {
                // GPT-2 shapes are built from their numbers, so a smaller run keeps the widths and drops layers.
                built = built with { Layers = built.Layers / 2 };
            }
            else if (!fits)
            {
                return Refused("inference", Invariant($"{model.Name} needs {Advisor.Bytes((long)bytes)}, more than {device.DeviceId} has free for a validation run"));
            }
            else
            {
                break;
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["batch"] = Invariant(batch),
            ["prompt"] = Invariant(prompt),
            ["gen"] = Invariant(generate),
        };
        if (preset is not null)
        {
            parameters["preset"] = preset;
            parameters["precision"] = precision.Name;
        }
        else
        {
            parameters["preset"] = "custom";
            parameters["layers"] = Invariant(built.Layers);
            parameters["d_model"] = Invariant(model.DModel);
            parameters["heads"] = Invariant(model.Heads);
            parameters["vocab"] = Invariant(model.Vocab);
            parameters["context"] = Invariant(Math.Min(model.Context, 32768));
        }

        var description = Invariant($"inference {preset ?? model.Name} {precision.Name} B={batch} prompt={prompt} gen={generate}{Scaled(built, model)}");
        return new ValidationPlan("inference", parameters, description, [("ttft_seconds", predicted.Ttft), ("tpot_seconds", predicted.Tpot)], null)
        {
            Repredict = other =>
            {
                var again = Advisor.PredictRun(built, run, other, batch, prompt, generate);
                return ([("ttft_seconds", again.Ttft), ("tpot_seconds", again.Tpot)], again.Basis);
            },
        };
    }

    /// <summary>
    /// The fine-tuning workload's run: its GPT-style model (LayerNorm, full multi-head attention, a two-matrix GELU MLP
    /// of the model's FFN width, untied head, biases) with the model's layers, width, heads, FFN width and vocabulary,
    /// in fp32; fewer layers, a smaller batch or shorter sequences while a step would not fit or take too long.
    /// </summary>
    public static ValidationPlan FineTune(ModelArchitecture model, WeightPrecision precision, DeviceCalibration device, AdviceScenario scenario, long available)
    {
        if (precision.Name != "fp32")
        {
            return Refused("finetune", $"the finetune workload trains fp32 weights, not {precision.Name}");
        }

        if (model.DModel % model.Heads != 0 || model.Vocab > 262144 || model.DModel > 16384 || model.FfnDim > 65536)
        {
            return Refused("finetune", $"the finetune workload cannot build {model.Name}'s widths (D={model.DModel}, H={model.Heads}, F={model.FfnDim}, V={model.Vocab})");
        }

        var sequence = Math.Clamp(Math.Min(scenario.PromptTokens, MaxSequence), 2, MaxSequence);
        var batch = Math.Clamp(scenario.TokensPerStep / sequence, 1, MaxBatch);
        int? rank = scenario.LoraRank is { } r ? Math.Min(r, Math.Min(model.DModel, model.FfnDim)) : null;
        var built = new ModelArchitecture
        {
            Name = model.Name,
            Layers = Math.Min(model.Layers, 96),
            DModel = model.DModel,
            Heads = model.Heads,
            KvHeads = model.Heads,
            HeadDim = model.DModel / model.Heads,
            FfnDim = model.FfnDim,
            GatedFfn = false,
            Vocab = model.Vocab,
            Context = sequence,
            TiedEmbeddings = false,
            LearnedPositions = true,
            AttentionBias = true,
        };
        (double Step, long Bytes, string Basis) predicted;
        while (true)
        {
            predicted = Advisor.PredictTrainingRun(built, precision, device, batch * sequence, sequence, rank);
            var fits = predicted.Bytes <= available * 0.8;
            if (fits && predicted.Step <= StepBudgetSeconds)
            {
                break;
            }

            if (built.Layers > 1)
            {
                built = built with { Layers = built.Layers / 2 };
            }
            else if (batch > 1)
            {
                batch /= 2;
            }
            else if (sequence > 16)
            {
                sequence /= 2;
                built = built with { Context = sequence };
            }
            else if (!fits)
            {
                return Refused("finetune", Invariant($"one layer of {model.Name} needs {Advisor.Bytes(predicted.Bytes)} to train, more than {device.DeviceId} has free"));
            }
            else
            {
                break;
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mode"] = rank is null ? "full" : "lora",
            ["layers"] = Invariant(built.Layers),
            ["d_model"] = Invariant(model.DModel),
            ["heads"] = Invariant(model.Heads),
            ["hidden"] = Invariant(model.FfnDim),
            ["vocab"] = Invariant(model.Vocab),
            ["batch"] = Invariant(batch),
            ["seq"] = Invariant(sequence),
        };
        if (rank is { } adapters)
        {
            parameters["rank"] = Invariant(adapters);
        }

        var description = Invariant($"finetune {model.Name} {(rank is { } k ? $"LoRA r={k}" : "full")} B={batch} seq={sequence}{Scaled(built, model)}");
        return new ValidationPlan("finetune", parameters, description, [("step_seconds", predicted.Step)], null)
        {
            Repredict = other =>
            {
                var again = Advisor.PredictTrainingRun(built, precision, other, batch * sequence, sequence, rank);
                return ([("step_seconds", again.StepSeconds)], again.Basis);
            },
        };
    }

    private static ValidationPlan Refused(string workload, string problem) => new(workload, new Dictionary<string, string>(), "", [], problem);

    private static string Scaled(ModelArchitecture built, ModelArchitecture model) =>
        built.Layers == model.Layers ? "" : Invariant($" L={built.Layers} of {model.Layers}");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
