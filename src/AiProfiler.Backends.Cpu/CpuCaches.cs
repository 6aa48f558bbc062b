using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The per-core data cache sizes the GEMM blocks for: Linux sysfs first, else CPUID's deterministic cache leaf (leaf 4
/// on Intel, 0x8000001D on AMD; VMs often hide sysfs cache entries but pass CPUID through), else AMD's older leaves
/// 0x80000005/0x80000006 (some hypervisors zero 0x8000001D but keep those), else typical sizes.
/// </summary>
internal sealed record CpuCaches(long L1DataBytes, long L2Bytes, long L3Bytes, string Source)
{
    private static readonly Lazy<CpuCaches> Host = new(Read);

    /// <summary>Typical of current x86 server cores; used where neither sysfs nor CPUID answers.</summary>
    public static CpuCaches Typical { get; } = new(32 << 10, 1 << 20, 16 << 20, "typical sizes (not reported)");

    /// <summary>This machine's caches, read once.</summary>
    public static CpuCaches Current => Host.Value;

    /// <summary>Reads sizes from a sysfs <c>cache</c> folder (<c>index*/level</c>, <c>type</c>, <c>size</c>); null when absent.</summary>
    public static CpuCaches? FromSysfs(string cacheDirectory)
    {
        if (!Directory.Exists(cacheDirectory))
        {
            return null;
        }

        long l1 = 0, l2 = 0, l3 = 0;
        foreach (var index in Directory.EnumerateDirectories(cacheDirectory, "index*"))
        {
            var type = CpuInfoReader.ReadOrEmpty(Path.Combine(index, "type")).Trim();
            var size = CpuInfoReader.ParseCacheSizeBytes(CpuInfoReader.ReadOrEmpty(Path.Combine(index, "size"))) ?? 0;
            if (type == "Instruction" || !int.TryParse(CpuInfoReader.ReadOrEmpty(Path.Combine(index, "level")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var level))
            {
                continue;
            }

            switch (level)
            {
                case 1: l1 = size; break;
                case 2: l2 = size; break;
                case 3: l3 = size; break;
            }
        }

        return l1 > 0 && l2 > 0 ? new CpuCaches(l1, l2, l3 > 0 ? l3 : l2, "sysfs") : null;
    }

    /// <summary>
    /// Decodes one sub-leaf of CPUID's deterministic cache parameters (same layout on Intel leaf 4 and AMD 0x8000001D):
    /// level and type from EAX, ways, partitions and line size from EBX, sets from ECX. Null for a null or instruction entry.
    /// </summary>
    public static (int Level, long Bytes)? DecodeCacheLeaf(int eax, int ebx, int ecx)
    {
        var type = eax & 0x1F;
        if (type is not (1 or 3))
        {
            return null;
        }

        var level = (eax >> 5) & 0x7;
        long ways = ((ebx >> 22) & 0x3FF) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, line = (ebx & 0xFFF) + 1, sets = (uint)ecx + 1L;
        return (level, ways * partitions * line * sets);
    }

    /// <summary>
    /// Decodes AMD's leaf 0x80000005 ECX (L1 data KiB in bits 31:24) and leaf 0x80000006 ECX (L2 KiB in bits 31:16) and
    /// EDX (L3 in 512 KiB units in bits 31:18); null when L1 or L2 reads 0.
    /// </summary>
    public static CpuCaches? DecodeAmdLegacyLeaves(int l1Ecx, int l2Ecx, int l3Edx)
    {
        long l1 = ((uint)l1Ecx >> 24) << 10, l2 = ((uint)l2Ecx >> 16) << 10, l3 = ((uint)l3Edx >> 18) * (512L << 10);
        return l1 > 0 && l2 > 0 ? new CpuCaches(l1, l2, l3 > 0 ? l3 : l2, "cpuid 0x80000005/6") : null;
    }

    private static CpuCaches Read() =>
        FromSysfs("/sys/devices/system/cpu/cpu0/cache") ?? FromCpuid() ?? FromAmdLegacyCpuid() ?? Typical;

    private static CpuCaches? FromAmdLegacyCpuid()
    {
        if (!X86Base.IsSupported || (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax < 0x80000006u)
        {
            return null;
        }

        var (_, vendorB, _, _) = X86Base.CpuId(0, 0);
        if (vendorB != 0x68747541 && vendorB != 0x6F677948)
        {
            return null;
        }

        var (_, _, l1, _) = X86Base.CpuId(unchecked((int)0x80000005), 0);
        var (_, _, l2, l3) = X86Base.CpuId(unchecked((int)0x80000006), 0);
        return DecodeAmdLegacyLeaves(l1, l2, l3);
    }

    private static CpuCaches? FromCpuid()
    {
        if (!X86Base.IsSupported)
        {
            return null;
        }

        var (_, vendorB, _, _) = X86Base.CpuId(0, 0);
        // "AuthenticAMD" and "HygonGenuine" answer on 0x8000001D; Intel on leaf 4.
        var amd = vendorB == 0x68747541 || vendorB == 0x6F677948;
        var leaf = amd ? unchecked((int)0x8000001D) : 4;
        var (maxLeaf, _, _, _) = X86Base.CpuId(amd ? unchecked((int)0x80000000) : 0, 0);
        if ((uint)maxLeaf < (uint)leaf)
        {
            return null;
        }

        long l1 = 0, l2 = 0, l3 = 0;
        for (var sub = 0; sub < 8; sub++)
        {
            var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, sub);
            if ((eax & 0x1F) == 0)
            {
                break;
            }

            switch (DecodeCacheLeaf(eax, ebx, ecx))
            {
                case (1, var bytes): l1 = bytes; break;
                case (2, var bytes): l2 = bytes; break;
                case (3, var bytes): l3 = bytes; break;
            }
        }

        return l1 > 0 && l2 > 0 ? new CpuCaches(l1, l2, l3 > 0 ? l3 : l2, "cpuid") : null;
    }
}
