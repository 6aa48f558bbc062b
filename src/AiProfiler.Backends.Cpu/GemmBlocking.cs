namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Cache blocking for the packed GEMM (the BLIS loop nest): a kc-deep A panel (Mr rows) and B panel (Nr columns)
/// together fit L1, so the A panel stays there while B panels stream past it; a kc×nc block of packed B fits half of
/// L2; an mc×kc block of packed A fits half of the (shared) L3.
/// </summary>
internal readonly record struct GemmBlocking(int Kc, int Nc, int Mc)
{
    public static GemmBlocking For(int mr, int nr, CpuCaches caches)
    {
        var kc = RoundDown((int)Math.Clamp(caches.L1DataBytes / ((mr + nr) * sizeof(float)), 64, 512), 8);
        var nc = RoundDown((int)Math.Clamp(caches.L2Bytes / 2 / (kc * sizeof(float)), nr, 8192), nr);
        var mc = RoundDown((int)Math.Clamp(caches.L3Bytes / 2 / (kc * sizeof(float)), mr * 8, 1 << 16), mr);
        return new GemmBlocking(kc, nc, mc);
    }

    private static int RoundDown(int value, int multiple) => Math.Max(multiple, value / multiple * multiple);
}
