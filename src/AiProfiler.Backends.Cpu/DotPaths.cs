using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

/// <summary>Which <see cref="DotPath"/> each kernel family takes on this CPU, and whether a path can run here.</summary>
internal static class DotPaths
{
    /// <summary>The 256-bit int8 path for Q8_0 and Q4_0 weights (Q4_0 takes <see cref="DotPath.Avx512"/> where present: <see cref="QuantizedDot.Path"/>).</summary>
    /// <remarks>
    /// .NET 10 exposes <c>vpdpbusd</c> at 256 bits (<see cref="AvxVnni"/>); its only 512-bit int8 dot products are
    /// AVX10.2's (<see cref="AvxVnniInt8.V512"/>), not AVX512_VNNI's, so on a Zen 5 (AVX512_VNNI, no AVX10) the 256-bit
    /// form is the widest reachable.
    /// </remarks>
    public static DotPath Int8 { get; } = IsSupported(DotPath.AvxVnni) ? DotPath.AvxVnni : IsSupported(DotPath.Avx2) ? DotPath.Avx2 : DotPath.Portable;

    /// <summary>The fp32/fp16/bf16 path.</summary>
    public static DotPath Float { get; } = IsSupported(DotPath.Avx512) ? DotPath.Avx512 : IsSupported(DotPath.Avx2) ? DotPath.Avx2 : DotPath.Portable;

    public static bool IsSupported(DotPath path) => path switch
    {
        DotPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        DotPath.AvxVnni => Avx2.IsSupported && Fma.IsSupported && AvxVnni.IsSupported,
        DotPath.Avx512 => Avx512F.IsSupported && Avx512BW.IsSupported,
        _ => true,
    };
}
