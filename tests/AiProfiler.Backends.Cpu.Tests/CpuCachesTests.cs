namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuCachesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "aiprofiler-caches-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void DecodeCacheLeaf_Zen5L1Data_Gives48KiB()
    {
        // Level 1 data cache, 12 ways, 1 partition, 64-byte lines, 64 sets.
        var eax = 1 | (1 << 5);
        var ebx = (11 << 22) | (0 << 12) | 63;

        Assert.Equal((1, 48L << 10), CpuCaches.DecodeCacheLeaf(eax, ebx, 63));
    }

    [Fact]
    public void DecodeCacheLeaf_UnifiedL3_GivesItsSize()
    {
        // Level 3 unified, 16 ways, 64-byte lines, 32768 sets: 32 MiB.
        var eax = 3 | (3 << 5);
        var ebx = (15 << 22) | 63;

        Assert.Equal((3, 32L << 20), CpuCaches.DecodeCacheLeaf(eax, ebx, 32767));
    }

    [Fact]
    public void DecodeCacheLeaf_InstructionCache_IsSkipped() =>
        Assert.Null(CpuCaches.DecodeCacheLeaf(2 | (1 << 5), (7 << 22) | 63, 63));

    [Fact]
    public void DecodeAmdLegacyLeaves_Zen5Guest_Gives48KiBAnd1MiB()
    {
        // As a Zen 5 guest whose 0x8000001D reads zero reports them: 48 KiB L1D, 1 MiB L2, 1016 × 512 KiB L3.
        var caches = CpuCaches.DecodeAmdLegacyLeaves(0x300c0140, 0x04006140, 0x0fe09140);

        Assert.NotNull(caches);
        Assert.Equal((48L << 10, 1L << 20, 1016L * (512 << 10)), (caches.L1DataBytes, caches.L2Bytes, caches.L3Bytes));
    }

    [Fact]
    public void DecodeAmdLegacyLeaves_ZeroL1_IsNull() =>
        Assert.Null(CpuCaches.DecodeAmdLegacyLeaves(0, 0x04006140, 0x0fe09140));

    [Fact]
    public void FromSysfs_DataAndUnifiedCaches_ReadsEachLevelAndSkipsInstructions()
    {
        Index(0, 1, "Data", "48K");
        Index(1, 1, "Instruction", "32K");
        Index(2, 2, "Unified", "1024K");
        Index(3, 3, "Unified", "32768K");

        var caches = CpuCaches.FromSysfs(_root);

        Assert.Equal(new CpuCaches(48 << 10, 1 << 20, 32 << 20, "sysfs"), caches);
    }

    [Fact]
    public void FromSysfs_NoCacheEntries_GivesNull()
    {
        Directory.CreateDirectory(_root);

        Assert.Null(CpuCaches.FromSysfs(_root));
    }

    [Fact]
    public void Current_OnThisMachine_ReportsUsableSizes()
    {
        var caches = CpuCaches.Current;

        Assert.True(caches.L1DataBytes >= 8 << 10 && caches.L2Bytes >= caches.L1DataBytes && caches.L3Bytes >= caches.L2Bytes / 2, caches.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Index(int index, int level, string type, string size)
    {
        var folder = Path.Combine(_root, $"index{index}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "level"), $"{level}\n");
        File.WriteAllText(Path.Combine(folder, "type"), $"{type}\n");
        File.WriteAllText(Path.Combine(folder, "size"), $"{size}\n");
    }
}
