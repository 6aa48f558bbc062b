namespace AiProfiler.Core.Advice;

/// <summary>One question to answer: a model, a precision, a task and a load, on some devices.</summary>
public sealed record AdviceScenario
{
    /// <summary>A short label for metrics and headings, e.g. <c>llama-3.1-8b q4_k 512+128 mlperf-interactive</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The model as given: a catalog name or a path.</summary>
    public required string Model { get; init; }

    /// <summary>Weight precision: fp32, fp16, bf16, q8_0, q4_0, q4_k, q6_k.</summary>
    public required string Precision { get; init; }

    /// <summary>Inference, fine-tuning or training.</summary>
    public AdviceTask Task { get; init; } = AdviceTask.Inference;

    /// <summary>Prompt tokens per request (inference) or sequence length (training).</summary>
    public int PromptTokens { get; init; } = 512;

    /// <summary>Generated tokens per request.</summary>
    public int OutputTokens { get; init; } = 128;

    /// <summary>Concurrent requests to size the KV cache and the memory fit for; null to find the largest that fits the SLO.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Offered request rate per second; null when the load is given as concurrency.</summary>
    public double? RequestRate { get; init; }

    /// <summary>The latency targets.</summary>
    public required ServiceLevelObjective Slo { get; init; }

    /// <summary>LoRA rank for fine-tuning; null for full fine-tuning.</summary>
    public int? LoraRank { get; init; }

    /// <summary>Tokens per optimizer step for fine-tuning and training.</summary>
    public int TokensPerStep { get; init; } = 2048;

    /// <summary>Devices to predict for; empty for every device found.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>The label of a scenario: <c>llama-3.1-8b q4_k 512+128 mlperf-interactive</c> or <c>gpt2 fp32 finetune lora16 seq512</c>.</summary>
    public static string NameOf(string model, string precision, AdviceTask task, int prompt, int output, string slo, int? loraRank) => task == AdviceTask.Inference
        ? FormattableString.Invariant($"{model} {precision} {prompt}+{output} {slo}")
        : FormattableString.Invariant($"{model} {precision} {(task == AdviceTask.Train ? "train" : "finetune")}{(loraRank is { } r ? $" lora{r}" : "")} seq{prompt}");
}
