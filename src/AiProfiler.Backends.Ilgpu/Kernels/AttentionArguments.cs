namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// The scalars of one fused attention launch (Heads counts every (batch, head); Group is query heads per key head);
/// see <c>AttentionDescriptor</c> for their meaning.
/// </summary>
internal readonly record struct AttentionArguments(
    int Heads, int QueryLength, int KeyLength, int KeyCapacity, int HeadDim, int Causal, int QueryOffset, float Scale, int Group);
