namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Cache blocking for the packed GEMM (the BLIS loop nest): a kc-deep A panel (Mr rows) fills half of L1 and stays
/// there while the B panels of a block stream past it from L2, the other half; a kc×nc block of packed B fits half of
/// L2; an mc×kc block of packed A fits half of the (shared) L3. Deep panels (up to 512) make each tile's load and
/// store of C rare next to its FMAs.
/// </summary>
internal readonly record struct GemmBlocking(int Kc, int Nc, int Mc)
{
    public static GemmBlocking For(int mr, int nr, CpuCaches caches)
    {
        var kc = RoundDown((int)Math.Clamp(caches.L1DataBytes / 2 / (mr * sizeof(float)), 64, 512), 8);
        var nc = RoundDown((int)Math.Clamp(caches.L2Bytes / 2 / (kc * sizeof(float)), nr, 8192), nr);
        var mc = RoundDown((int)Math.Clamp(caches.L3Bytes / 2 / (kc * sizeof(float)), mr * 8, 1 << 16), mr);
        return new GemmBlocking(kc, nc, mc);
    }

    private static int RoundDown(int value, int multiple) => Math.Max(multiple, value / multiple * multiple);
}
