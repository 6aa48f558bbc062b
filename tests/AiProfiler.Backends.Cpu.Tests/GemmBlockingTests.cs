namespace AiProfiler.Backends.Cpu.Tests;

public sealed class GemmBlockingTests
{
    public static TheoryData<long, long, long, int, int> Machines() => new()
    {
        { 48 << 10, 1 << 20, 32 << 20, 12, 32 },
        { 32 << 10, 2 << 20, 105 << 20, 12, 32 },
        { 32 << 10, 256 << 10, 8 << 20, 6, 16 },
        { 64 << 10, 512 << 10, 512 << 10, 4, 8 },
    };

    [Theory]
    [MemberData(nameof(Machines))]
    public void For_AnyCaches_APanelFitsHalfOfL1AndBlocksFitHalfOfL2AndL3(long l1, long l2, long l3, int mr, int nr)
    {
        var blocking = GemmBlocking.For(mr, nr, new CpuCaches(l1, l2, l3, "test"));

        Assert.True(mr * blocking.Kc * sizeof(float) <= l1 / 2, $"A panel ({blocking}) exceeds half of L1 {l1}");
        Assert.True((long)blocking.Kc * blocking.Nc * sizeof(float) <= l2 / 2, $"B block ({blocking}) exceeds half of L2 {l2}");
        Assert.True((long)blocking.Mc * blocking.Kc * sizeof(float) <= Math.Max(l3 / 2, 8L * mr * blocking.Kc * sizeof(float)), $"A block ({blocking}) exceeds half of L3 {l3}");
        Assert.Equal(0, blocking.Nc % nr);
        Assert.Equal(0, blocking.Mc % mr);
    }
}
