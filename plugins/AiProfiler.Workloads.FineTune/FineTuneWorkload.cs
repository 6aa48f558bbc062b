using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// One optimizer step of a small GPT-style transformer on synthetic tokens: forward, cross-entropy, backward and AdamW,
/// training every parameter (<c>mode=full</c>) or only rank-r LoRA adapters on frozen weights (<c>mode=lora</c>).
/// </summary>
public sealed class FineTuneWorkload : IWorkload
{
    /// <summary>The workload's name on the command line and in metric labels.</summary>
    public const string WorkloadName = "finetune";

    private static readonly IReadOnlyList<ParameterDescriptor> Descriptors =
    [
        ParameterDescriptor.Choice("mode", "full", ["full", "lora"], "full: train every parameter; lora: freeze the base weights and train rank-r adapters on each block's linear layers"),
        ParameterDescriptor.Integer("layers", 2, 1, 96, "transformer blocks L"),
        ParameterDescriptor.Integer("d_model", 256, 8, 16384, "model width D (a multiple of heads)"),
        ParameterDescriptor.Integer("heads", 4, 1, 256, "attention heads H (must divide d_model)"),
        ParameterDescriptor.Integer("hidden", 1024, 8, 65536, "MLP width F"),
        ParameterDescriptor.Integer("vocab", 8192, 2, 262144, "vocabulary size V"),
        ParameterDescriptor.Integer("batch", 8, 1, 1024, "sequences per step B"),
        ParameterDescriptor.Integer("seq", 128, 2, 8192, "tokens per sequence S"),
        ParameterDescriptor.Integer("rank", 8, 1, 4096, "LoRA rank r (mode=lora; at most min(d_model, hidden))"),
        ParameterDescriptor.Number("alpha", 16, 1e-3, 1e6, "LoRA alpha; the adapter product is scaled by alpha/r (mode=lora)"),
        ParameterDescriptor.Number("lr", 1e-3, 1e-9, 1, "AdamW learning rate (betas 0.9, 0.999; eps 1e-8; weight decay 0.01)"),
        ParameterDescriptor.Integer("seed", 42, 0, int.MaxValue, "seed of the initial weights and the synthetic tokens"),
    ];

    /// <inheritdoc />
    public string Name => WorkloadName;

    /// <inheritdoc />
    public string Description => "One fine-tuning step (forward, cross-entropy, backward, AdamW) of a small causal transformer on synthetic tokens, full or LoRA.";

    /// <inheritdoc />
    public IReadOnlyList<ParameterDescriptor> Parameters => Descriptors;

    /// <inheritdoc />
    public long EstimateMemoryBytes(ParameterSet parameters) => FineTuneConfig.From(parameters).MemoryBytes;

    /// <inheritdoc />
    public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(device);
        var config = FineTuneConfig.From(parameters);
        var available = device.AvailableMemoryBytes;
        if (config.MemoryBytes > available)
        {
            throw new InsufficientDeviceMemoryException(device.Info.Id, config.MemoryBytes, available);
        }

        var arena = new DeviceArena(device);
        try
        {
            var model = new TransformerModel(arena, config, perturbedInitialization: false);
            model.SetBatch(new SyntheticTokens(config.Batch, config.Seq, config.Vocab, config.Seed));
            return new PreparedFineTune(device, arena, model);
        }
        catch
        {
            arena.Dispose();
            throw;
        }
    }
}
