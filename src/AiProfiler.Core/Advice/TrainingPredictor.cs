namespace AiProfiler.Core.Advice;

/// <summary>
/// One optimizer step of full fine-tuning/training or LoRA. FLOPs per token: about 6 per trained weight (forward,
/// backward for activations, backward for weights) and about 4 per frozen one (no weight gradient), plus attention.
/// Memory: weights, gradients and AdamW state of the trained weights (two fp32 moments, and an fp32 master copy
/// when the weights are halves), and activations kept for the backward pass (Korthikanti et al. 2022: per layer
/// and token 34·D + 5·H·s bytes in 16-bit, no recomputation, one micro-batch).
/// </summary>
internal sealed class TrainingPredictor(ModelArchitecture model, WeightPrecision precision, DeviceRates rates, int? loraRank)
{
    /// <summary>Weights the step trains: all of them, or the LoRA adapters on every projection of every block.</summary>
    public long TrainedParameters => loraRank is { } r ? LoraParameters(r) : ModelArithmetic.TotalParameters(model);

    public (double Seconds, bool ComputeBound) Step(int tokensPerStep, int sequence)
    {
        var matmul = (double)ModelArithmetic.MatmulParametersPerToken(model);
        var perToken = loraRank is null
            ? (6 * matmul) + (3 * ModelArithmetic.AttentionFlopsPerToken(model, sequence / 2.0))
            : (4 * matmul) + (6.0 * TrainedParameters) + (3 * ModelArithmetic.AttentionFlopsPerToken(model, sequence / 2.0));
        var compute = perToken * tokensPerStep / rates.GemmFlopsPerSecond;
        // Weights are read in the forward pass and twice backward; the optimizer reads and writes weights, gradients and moments.
        var bytes = (3 * ModelArithmetic.TotalParameters(model) * precision.BytesPerWeight) + (2.0 * TrainedParameters * 16);
        var memory = bytes / rates.DecodeBytesPerSecond;
        return (Math.Max(compute, memory), compute >= memory);
    }

    public MemoryFit Memory(int tokensPerStep, int sequence, long available)
    {
        var weights = (long)(ModelArithmetic.TotalParameters(model) * precision.BytesPerWeight);
        var trained = TrainedParameters;
        var halves = precision.Name is "fp16" or "bf16";
        var gradientBytes = loraRank is null && halves ? 2 : 4;
        var optimizerBytes = loraRank is null && halves ? 12 : 8;
        var activationScale = precision.Name == "fp32" ? 2.0 : 1.0;
        var activations = (long)(tokensPerStep * (double)model.Layers * ((34.0 * model.DModel) + (5.0 * model.Heads * sequence)) * activationScale);
        return new MemoryFit(weights, 0, trained * gradientBytes, trained * optimizerBytes, activations, available);
    }

    private long LoraParameters(int rank)
    {
        long d = model.DModel, q = (long)model.Heads * model.HeadDim, kv = (long)model.KvHeads * model.HeadDim, f = model.FfnDim;
        var attention = (d + q) + (2 * (d + kv)) + (q + d);
        var ffn = (model.GatedFfn ? 2 : 1) * (d + f) + (f + d);
        return model.Layers * rank * (attention + (model.Experts * ffn));
    }
}
