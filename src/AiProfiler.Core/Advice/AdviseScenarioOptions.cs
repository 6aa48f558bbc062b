namespace AiProfiler.Core.Advice;

/// <summary>One entry of <c>Advise:Scenarios</c>: the same choices as <c>aiprofiler advise</c>'s options.</summary>
public sealed class AdviseScenarioOptions
{
    /// <summary>A catalog model or a model file path.</summary>
    public string Model { get; set; } = "";

    /// <summary>fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k.</summary>
    public string Precision { get; set; } = "fp32";

    /// <summary>inference, finetune or train.</summary>
    public string Task { get; set; } = "inference";

    /// <summary>Prompt tokens (sequence length when training).</summary>
    public int Prompt { get; set; } = 512;

    /// <summary>Generated tokens.</summary>
    public int Output { get; set; } = 128;

    /// <summary>Concurrent requests; empty for the most meeting the SLO.</summary>
    public int? Concurrency { get; set; }

    /// <summary>Offered requests per second.</summary>
    public double? Rate { get; set; }

    /// <summary>mlperf-server, mlperf-interactive or ttft=..,tpot=...</summary>
    public string Slo { get; set; } = "mlperf-server";

    /// <summary>LoRA rank for fine-tuning.</summary>
    public int? LoraRank { get; set; }

    /// <summary>Tokens per optimizer step.</summary>
    public int TokensPerStep { get; set; } = 2048;
}
