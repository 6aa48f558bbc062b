using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Attention;

/// <summary>One attention problem: sizes, mask and variant, with its analytic cost and device footprint.</summary>
internal sealed record AttentionShape(int Batch, int Heads, int Sequence, int HeadDim, bool Causal, AttentionVariant Variant)
{
    /// <summary>fp32 everywhere.</summary>
    public const int ElementBytes = sizeof(float);

    /// <summary>Independent (batch, head) attention problems.</summary>
    public int BatchHeads => Batch * Heads;

    /// <summary>Elements of each of Q, K, V and O: B·H·N·d.</summary>
    public long TensorElements => (long)BatchHeads * Sequence * HeadDim;

    /// <summary>Elements of the naive variant's scores: B·H·N².</summary>
    public long ScoreElements => (long)BatchHeads * Sequence * Sequence;

    /// <summary>
    /// Useful FLOPs: Q·Kᵀ and P·V are 2·N²·d each per head, so 4·B·H·N²·d; a causal mask halves the pairs that count.
    /// The naive variant computes the full N×N products even when causal, but it is credited with the same useful work
    /// so the two variants' FLOP/s compare directly.
    /// </summary>
    public double Flops => 4.0 * BatchHeads * Sequence * (double)Sequence * HeadDim * (Causal ? 0.5 : 1.0);

    /// <summary>
    /// Bytes that must move: Q, K, V read and O written once (both variants); the naive variant also writes the scores
    /// (Q·Kᵀ), reads and writes them in softmax and reads them in P·V (four passes), plus about half a pass when the
    /// causal mask writes the upper triangle.
    /// </summary>
    public double Bytes
    {
        get
        {
            var io = 4.0 * TensorElements * ElementBytes;
            if (Variant == AttentionVariant.Fused)
            {
                return io;
            }

            var passes = Causal ? 4.5 : 4.0;
            return io + (passes * ScoreElements * ElementBytes);
        }
    }

    /// <summary>Device memory Prepare allocates: Q, K, V, O, and for the naive variant the B·H·N² scores.</summary>
    public long DeviceBytes
    {
        get
        {
            var bytes = 4 * TensorElements * ElementBytes;
            return Variant == AttentionVariant.Naive ? bytes + (ScoreElements * ElementBytes) : bytes;
        }
    }

    /// <summary>The cost of one forward pass; items are the B·N query tokens.</summary>
    public WorkloadCost Cost => new(Flops, Bytes, (double)Batch * Sequence, "tokens");

    /// <summary>Parses validated parameters; refuses sizes whose row count does not fit the device operations' 32-bit rows.</summary>
    public static AttentionShape From(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var shape = new AttentionShape(
            parameters.GetInt32("batch"),
            parameters.GetInt32("heads"),
            parameters.GetInt32("seq"),
            parameters.GetInt32("head_dim"),
            parameters.GetBoolean("causal"),
            parameters.GetString("variant") == "naive" ? AttentionVariant.Naive : AttentionVariant.Fused);
        var rows = (long)shape.BatchHeads * shape.Sequence;
        if (rows > int.MaxValue)
        {
            throw new ParameterException(string.Create(CultureInfo.InvariantCulture,
                $"attention with batch·heads·seq = {rows} rows exceeds {int.MaxValue}; choose a smaller batch, heads or seq"));
        }

        return shape;
    }

    /// <summary>The shape as shown in tables, e.g. <c>B=1 H=8 N=2048 d=64 causal fused fp32</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"B={Batch} H={Heads} N={Sequence} d={HeadDim}{(Causal ? " causal" : "")} {(Variant == AttentionVariant.Naive ? "naive" : "fused")} fp32");
}
