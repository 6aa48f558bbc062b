namespace AiProfiler.Agent.Hosting;

/// <summary>One entry of <c>Advise:Scenarios</c>: the options of <c>aiprofiler advise</c>, with the same defaults.</summary>
internal sealed class AdviseScenarioOptions
{
    /// <summary>A catalog model (<c>llama-3.1-8b</c>) or the path of a config.json, .safetensors or .gguf file.</summary>
    public string Model { get; set; } = "";

    /// <summary>Weight precision: fp32, fp16, bf16, q8_0, q4_0, q4_k, q6_k.</summary>
    public string Precision { get; set; } = "fp32";

    /// <summary>inference, finetune or train.</summary>
    public string Task { get; set; } = "inference";

    /// <summary>Prompt tokens per request (sequence length when training).</summary>
    public int Prompt { get; set; } = 512;

    /// <summary>Generated tokens per request.</summary>
    public int Output { get; set; } = 128;

    /// <summary>Concurrent requests; unset to find the most that meet the SLO.</summary>
    public int? Concurrency { get; set; }

    /// <summary>Offered requests per second; unset when the load is a concurrency.</summary>
    public double? Rate { get; set; }

    /// <summary>mlperf-server, mlperf-interactive or <c>ttft=2s,tpot=100ms</c>.</summary>
    public string Slo { get; set; } = "mlperf-server";

    /// <summary>LoRA rank for fine-tuning; unset for full fine-tuning.</summary>
    public int? LoraRank { get; set; }

    /// <summary>Tokens per optimizer step (fine-tuning, training).</summary>
    public int TokensPerStep { get; set; } = 2048;

    /// <summary>Device ids; empty for every device found.</summary>
    public IList<string> Devices { get; init; } = [];
}
