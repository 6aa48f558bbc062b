using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// Scratch buffers shared by all blocks, because blocks run one after another: the forward pass's pre-split q/k/v and
/// pre-merge attention output, and every gradient of the backward pass that is not a parameter gradient.
/// </summary>
internal sealed class StepWorkspace
{
    public StepWorkspace(DeviceArena arena, FineTuneConfig config)
    {
        var td = (long)config.Tokens * config.DModel;
        var tf = (long)config.Tokens * config.Hidden;
        Tokens = arena.Allocate(td);
        HeadsA = arena.Allocate(td);
        HeadsB = arena.Allocate(td);
        ScoresGradient = arena.Allocate(config.ScoreElements);
        LogitsGradient = arena.Allocate(config.ScoreElements);
        ResidualGradientA = arena.Allocate(td);
        ResidualGradientB = arena.Allocate(td);
        MidGradient = arena.Allocate(td);
        Gradient = arena.Allocate(td);
        NormInputGradient = arena.Allocate(td);
        HiddenGradient = arena.Allocate(tf);
        PreActivationGradient = arena.Allocate(tf);
        if (config.Mode == FineTuneMode.Lora)
        {
            AdapterGradient = arena.Allocate((long)config.Tokens * config.Rank);
            DiscardGain = arena.Allocate(config.DModel);
            DiscardShift = arena.Allocate(config.DModel);
        }
    }

    /// <summary>T × D in token layout: q, k, v before the head split; gradients after the head merge.</summary>
    public IDeviceBuffer Tokens { get; }

    /// <summary>T × D in head layout [B, H, S, d]: attention output before the merge; dO in the backward pass.</summary>
    public IDeviceBuffer HeadsA { get; }

    /// <summary>T × D in head layout: dV, dQ and dK in turn.</summary>
    public IDeviceBuffer HeadsB { get; }

    /// <summary>dP, the gradient of the attention probabilities (B·H·S²).</summary>
    public IDeviceBuffer ScoresGradient { get; }

    /// <summary>dS, the gradient of the attention scores before softmax (B·H·S²).</summary>
    public IDeviceBuffer LogitsGradient { get; }

    /// <summary>Gradient of the residual stream, ping-ponged between blocks.</summary>
    public IDeviceBuffer ResidualGradientA { get; }

    /// <summary>The other residual-stream gradient.</summary>
    public IDeviceBuffer ResidualGradientB { get; }

    /// <summary>Gradient of a block's residual after attention, before the MLP.</summary>
    public IDeviceBuffer MidGradient { get; }

    /// <summary>T × D: gradient of a norm output (attention input or MLP input).</summary>
    public IDeviceBuffer Gradient { get; }

    /// <summary>T × D: gradient of a norm input before it joins the residual gradient.</summary>
    public IDeviceBuffer NormInputGradient { get; }

    /// <summary>T × F: gradient of the MLP activation output.</summary>
    public IDeviceBuffer HiddenGradient { get; }

    /// <summary>T × F: gradient of the MLP pre-activation.</summary>
    public IDeviceBuffer PreActivationGradient { get; }

    /// <summary>T × r: gradient of an adapter's product u = x·Aᵀ (LoRA only).</summary>
    public IDeviceBuffer? AdapterGradient { get; }

    /// <summary>Receives the (unused) gain gradient of frozen norms, which the backward op always accumulates (LoRA only).</summary>
    public IDeviceBuffer? DiscardGain { get; }

    /// <summary>Receives the (unused) shift gradient of frozen norms (LoRA only).</summary>
    public IDeviceBuffer? DiscardShift { get; }
}
