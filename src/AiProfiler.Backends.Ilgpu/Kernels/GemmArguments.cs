using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>The scalars of one tiled GEMM launch, resolved from a <see cref="GemmDescriptor"/> (packed strides filled in).</summary>
internal readonly record struct GemmArguments(
    int M, int N, int K, int TransposeA, int TransposeB, float Alpha, float Beta,
    long OffsetA, int LdA, long StrideA, long OffsetB, int LdB, long StrideB, long OffsetC, int LdC, long StrideC, int Type, int BatchCount)
{
    public static GemmArguments From(in GemmDescriptor g) => new(
        g.M, g.N, g.K, g.TransposeA ? 1 : 0, g.TransposeB ? 1 : 0, g.Alpha, g.Beta,
        g.OffsetA, g.EffectiveLdA, g.StrideA, g.OffsetB, g.EffectiveLdB, g.StrideB, g.OffsetC, g.EffectiveLdC, g.StrideC, (int)g.Type, g.BatchCount);
}
