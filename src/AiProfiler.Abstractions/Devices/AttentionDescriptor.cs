namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Describes scaled dot-product attention over heads laid out as <c>[Batch, Heads, rows, HeadDim]</c>:
/// Q has <see cref="QueryLength"/> rows per (batch, head); K and V have room for <see cref="KeyCapacity"/> rows per
/// (batch, head) of which the first <see cref="KeyLength"/> are used (a KV cache). O has Q's shape.
/// With fewer <see cref="KeyHeads"/> than heads (grouped-query attention), K and V are <c>[Batch, KeyHeads, rows,
/// HeadDim]</c> and query head h reads key head <c>h / (Heads / KeyHeads)</c>.
/// With <see cref="Causal"/>, query row <c>i</c> sees key rows <c>j ≤ QueryOffset + i</c>.
/// </summary>
public readonly record struct AttentionDescriptor
{
    /// <summary>Batch size B.</summary>
    public required int Batch { get; init; }

    /// <summary>Heads H.</summary>
    public required int Heads { get; init; }

    /// <summary>Query rows per (batch, head).</summary>
    public required int QueryLength { get; init; }

    /// <summary>Key/value rows used per (batch, head).</summary>
    public required int KeyLength { get; init; }

    /// <summary>Head size d.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Key/value heads (grouped-query attention; must divide <see cref="Heads"/>); 0 means <see cref="Heads"/>.</summary>
    public int KeyHeads { get; init; }

    /// <summary>Allocated key/value rows per (batch, head); 0 means <see cref="KeyLength"/>.</summary>
    public int KeyCapacity { get; init; }

    /// <summary>Mask keys after each query's position.</summary>
    public bool Causal { get; init; }

    /// <summary>Absolute position of query row 0 among the keys; by default the queries are the last keys.</summary>
    public int? QueryOffset { get; init; }

    /// <summary>Score scale; 0 means 1/√d.</summary>
    public float Scale { get; init; }

    /// <summary>Allocated key rows per (batch, head), resolving 0.</summary>
    public int EffectiveKeyCapacity => KeyCapacity != 0 ? KeyCapacity : KeyLength;

    /// <summary>Key/value heads, resolving 0 to <see cref="Heads"/>.</summary>
    public int EffectiveKeyHeads => KeyHeads != 0 ? KeyHeads : Heads;

    /// <summary>Position of query row 0, resolving the default.</summary>
    public int EffectiveQueryOffset => QueryOffset ?? (KeyLength - QueryLength);

    /// <summary>The score scale, resolving 0 to 1/√d.</summary>
    public float EffectiveScale => Scale != 0 ? Scale : 1f / MathF.Sqrt(HeadDim);
}
