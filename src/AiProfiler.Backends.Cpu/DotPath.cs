namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The instruction sets the decode dot kernels (<see cref="QuantizedDot"/>, <see cref="FloatDot"/>) are written for.
/// The widest the CPU runs is used; tests select each one the CPU has, so every path is checked on one machine.
/// </summary>
internal enum DotPath
{
    /// <summary>Plain scalar loops: any CPU.</summary>
    Portable,

    /// <summary>256-bit AVX2 with FMA (int8: <c>vpmaddubsw</c> + <c>vpmaddwd</c>).</summary>
    Avx2,

    /// <summary>AVX-VNNI: AVX2 plus the 256-bit <c>vpdpbusd</c> (u8·s8 → s32 in one instruction). int8 kernels only.</summary>
    AvxVnni,

    /// <summary>
    /// 512-bit AVX-512F (and BW). fp32/fp16/bf16 kernels, Q4_K, Q6_K and Q4_0 (batch 1) with <c>vpmaddubsw</c> + <c>vpmaddwd</c>, and the int8
    /// prefill GEMM's fp32 side (its dot products stay AVX-VNNI's).
    /// </summary>
    Avx512,
}
