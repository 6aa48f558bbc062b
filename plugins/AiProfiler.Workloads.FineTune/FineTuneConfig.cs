using System.Globalization;
using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// The validated shape of one fine-tuning step and everything derived from it analytically: parameter counts, FLOPs,
/// bytes moved and the device memory the step allocates. Symbols follow the README: L layers, D model width, H heads,
/// F MLP width, V vocabulary, B batch, S sequence, T = B·S tokens, r LoRA rank.
/// </summary>
internal sealed record FineTuneConfig(
    FineTuneMode Mode,
    int Layers,
    int DModel,
    int Heads,
    int Hidden,
    int Vocab,
    int Batch,
    int Seq,
    int Rank,
    double Alpha,
    double LearningRate,
    int Seed)
{
    private const long ElementBytes = 4;

    /// <summary>Tokens per step, T = B·S.</summary>
    public int Tokens => Batch * Seq;

    /// <summary>Head size, D / H.</summary>
    public int HeadDim => DModel / Heads;

    /// <summary>The LoRA scale alpha / r applied to the adapter product.</summary>
    public float LoraScale => (float)(Alpha / Rank);

    /// <summary>Weights used in per-token matrix products: L·(4D² + 2DF) + V·D (the LM head; embeddings are lookups).</summary>
    public long MatmulParameters => Layers * (4L * DModel * DModel + 2L * DModel * Hidden) + (long)Vocab * DModel;

    /// <summary>Every base parameter: blocks (matrices, biases, two norms), token and position embeddings, final norm, head.</summary>
    public long BaseParameters =>
        Layers * (4L * DModel * DModel + 2L * DModel * Hidden + 9L * DModel + Hidden)
        + 2L * Vocab * DModel + (long)Seq * DModel + 2L * DModel;

    /// <summary>Adapter parameters: r·(in + out) for q, k, v, o (D→D), fc1 (D→F) and fc2 (F→D) of every block.</summary>
    public long LoraParameters => Mode == FineTuneMode.Lora ? Layers * (long)Rank * (10L * DModel + 2L * Hidden) : 0;

    /// <summary>Parameters that get gradients and AdamW updates.</summary>
    public long TrainableParameters => Mode == FineTuneMode.Full ? BaseParameters : LoraParameters;

    /// <summary>All parameters held on the device.</summary>
    public long TotalParameters => BaseParameters + LoraParameters;

    /// <summary>
    /// GEMM FLOPs of one step, exactly as the implementation issues them. Full: 6·T·N_mm + 12·L·B·S²·D.
    /// LoRA: 4·T·N_mm + 6·T·N_lora + 12·L·B·S²·D (frozen weights skip their weight gradient).
    /// </summary>
    public double Flops
    {
        get
        {
            var tokens = (double)Tokens;
            var attention = 12.0 * Layers * Batch * (double)Seq * Seq * DModel;
            return Mode == FineTuneMode.Full
                ? (6.0 * tokens * MatmulParameters) + attention
                : (4.0 * tokens * MatmulParameters) + (6.0 * tokens * LoraParameters) + attention;
        }
    }

    /// <summary>
    /// Activation elements written in the forward pass and read again in the backward pass (per block: its norm outputs
    /// and statistics, heads of q/k/v, attention probabilities, MLP pre- and post-activation, adapter products; plus the
    /// block inputs, the final norm, logits and their gradient).
    /// </summary>
    public long SavedActivationElements
    {
        get
        {
            long t = Tokens, d = DModel;
            var perLayer = (7 * t * d) + (2 * t * Hidden) + ScoreElements + (4 * t) + (Mode == FineTuneMode.Lora ? 6 * t * Rank : 0);
            return (Layers * perLayer) + ((Layers + 2) * t * d) + (2 * t) + (2 * t * Vocab);
        }
    }

    /// <summary>Bytes moved by one step: 4·(2·P + 8·P_train + 2·A), see the README.</summary>
    public double Bytes => ElementBytes * ((2.0 * TotalParameters) + (8.0 * TrainableParameters) + (2.0 * SavedActivationElements));

    /// <summary>
    /// Device memory one prepared step allocates: parameters, gradients and both AdamW moments of trainable ones, saved
    /// activations, token/target/position ids, the loss, and the backward workspace shared by all blocks.
    /// </summary>
    public long MemoryBytes
    {
        get
        {
            long t = Tokens, d = DModel;
            var parameters = TotalParameters + (3 * TrainableParameters);
            var workspace = (8 * t * d) + (2 * t * Hidden) + (2 * ScoreElements) + (Mode == FineTuneMode.Lora ? (t * Rank) + (2 * d) : 0);
            var ids = 3 * t;
            var losses = t + 1;
            return ElementBytes * (parameters + SavedActivationElements + workspace + ids + losses);
        }
    }

    /// <summary>Attention scores of one block: B·H·S².</summary>
    public long ScoreElements => (long)Batch * Heads * Seq * Seq;

    /// <summary>A short shape for tables and labels.</summary>
    public string Shape => string.Create(CultureInfo.InvariantCulture,
        $"{(Mode == FineTuneMode.Full ? "full" : "lora")} L={Layers} D={DModel} H={Heads} F={Hidden} V={Vocab} B={Batch} S={Seq}")
        + (Mode == FineTuneMode.Lora ? string.Create(CultureInfo.InvariantCulture, $" r={Rank} alpha={Alpha}") : "")
        + " fp32";

    /// <summary>Reads and cross-checks the workload's parameters; throws <see cref="ParameterException"/> naming the fix.</summary>
    public static FineTuneConfig From(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var config = new FineTuneConfig(
            parameters.GetString("mode") == "lora" ? FineTuneMode.Lora : FineTuneMode.Full,
            parameters.GetInt32("layers"),
            parameters.GetInt32("d_model"),
            parameters.GetInt32("heads"),
            parameters.GetInt32("hidden"),
            parameters.GetInt32("vocab"),
            parameters.GetInt32("batch"),
            parameters.GetInt32("seq"),
            parameters.GetInt32("rank"),
            parameters.GetDouble("alpha"),
            parameters.GetDouble("lr"),
            parameters.GetInt32("seed"));
        config.Validate();
        return config;
    }

    /// <summary>Checks the constraints between parameters that single ranges cannot express.</summary>
    public void Validate()
    {
        if (DModel % Heads != 0)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"parameter 'heads' of workload '{FineTuneWorkload.WorkloadName}' is {Heads}, which does not divide d_model={DModel}; choose a divisor of d_model"));
        }

        if (Mode == FineTuneMode.Lora && Rank > Math.Min(DModel, Hidden))
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"parameter 'rank' of workload '{FineTuneWorkload.WorkloadName}' is {Rank}, larger than min(d_model, hidden)={Math.Min(DModel, Hidden)}; choose a smaller rank"));
        }

        if ((long)Batch * Seq > int.MaxValue || (long)Batch * Heads * Seq > int.MaxValue)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"batch·heads·seq = {(long)Batch * Heads * Seq} rows of attention scores exceed {int.MaxValue} for workload '{FineTuneWorkload.WorkloadName}'; choose a smaller batch, heads or seq"));
        }
    }
}
