using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Shared;

namespace AiProfiler.Backends.Cpu;

/// <summary>Reads what the CPU is (name, cores, clock) and estimates its peaks.</summary>
internal static class CpuInfoReader
{
    /// <summary>
    /// Builds the CPU's <see cref="DeviceInfo"/>. Peak FLOP/s = physical cores × max clock × SIMD fp32 lanes × 2 (FMA)
    /// × 2 FMA pipes per core (true of current x86 server and desktop cores; an estimate elsewhere). Peak bandwidth is
    /// measured: a short multi-threaded STREAM triad, because no OS interface reports DRAM bandwidth.
    /// </summary>
    public static DeviceInfo Describe(string gemmName)
    {
        var cpuinfo = ReadOrEmpty("/proc/cpuinfo");
        var name = ParseCpuInfoField(cpuinfo, "model name") ?? ParseCpuInfoField(cpuinfo, "Hardware") ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        var logical = Environment.ProcessorCount;
        var physical = CountPhysicalCores("/sys/devices/system/cpu") ?? logical;
        var clockHz = ParseMaxFrequencyKHz(ReadOrEmpty("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")) * 1e3
            ?? ParseCpuInfoMHz(cpuinfo) * 1e6
            ?? 0;
        var lanes = SimdFloatLanes();
        var peakFlops = physical * clockHz * lanes * 2 * 2;
        var int8 = Int8PerFp32Operation(lanes);
        var l3 = ParseCacheSizeBytes(ReadOrEmpty("/sys/devices/system/cpu/cpu0/cache/index3/size"));
        // Best of five: on a shared VM one pass in three can run at half speed, and an underestimate here shows as MBU
        // above 1 for every memory-bound run.
        var bandwidth = StreamTriad.Measure(TriadElements(l3), repetitions: 5);
        return new DeviceInfo
        {
            Id = "cpu",
            Kind = DeviceKind.Cpu,
            Name = name.Trim(),
            Vendor = ParseCpuInfoField(cpuinfo, "vendor_id")?.Trim() ?? "",
            DriverVersion = $".NET {Environment.Version}, gemm={gemmName}",
            MemoryBytes = HostMemoryReader.System.TotalBytes(),
            ComputeUnits = logical,
            ClockHz = clockHz,
            PeakFlopsPerSecond = peakFlops,
            PeakFlopsByType = Enum.GetValues<DataType>().Where(t => t.IsBlockQuantized()).ToDictionary(t => t, _ => int8 * peakFlops),
            PeakBandwidthBytesPerSecond = bandwidth,
            PeakSource = string.Create(CultureInfo.InvariantCulture,
                $"flops: {physical} physical cores x {clockHz / 1e9:0.###} GHz x {lanes} fp32 lanes x 2 (FMA) x 2 FMA pipes; block-quantized weights (int8 products): {int8} x that; bandwidth: STREAM triad measured at start-up"),
            SharesHostMemory = true,
        };
    }

    /// <summary>
    /// Elements per array for the start-up triad: the three arrays together span four times the L3 cache (64 MiB
    /// assumed when unknown), so the triad measures DRAM and not the cache, capped at 1 GiB in all to keep start-up
    /// near a second.
    /// </summary>
    public static int TriadElements(long? l3Bytes)
    {
        var total = Math.Clamp(4 * (l3Bytes ?? (64L << 20)), 48L << 20, 1L << 30);
        return (int)(total / (3 * sizeof(float)));
    }

    /// <summary>Parses a sysfs cache size such as <c>266240K</c>, <c>32M</c> or <c>1048576</c> into bytes.</summary>
    public static long? ParseCacheSizeBytes(string text)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            return null;
        }

        var multiplier = char.ToUpperInvariant(value[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 1L,
        };
        var digits = multiplier == 1 ? value : value[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 ? number * multiplier : null;
    }

    /// <summary>The host's available memory, honouring the cgroup limit (see <see cref="HostMemoryReader"/>).</summary>
    public static long HostAvailableMemoryBytes() => HostMemoryReader.System.AvailableBytes();

    /// <summary>The first value of a "key : value" field of /proc/cpuinfo.</summary>
    public static string? ParseCpuInfoField(string cpuinfo, string key)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static double? ParseCpuInfoMHz(string cpuinfo) =>
        double.TryParse(ParseCpuInfoField(cpuinfo, "cpu MHz"), NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz) ? mhz : null;

    private static double? ParseMaxFrequencyKHz(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var khz) && khz > 0 ? khz : null;

    private static int? CountPhysicalCores(string cpuRoot)
    {
        if (!Directory.Exists(cpuRoot))
        {
            return null;
        }

        var cores = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(cpuRoot, "cpu*"))
        {
            var core = ReadOrEmpty(Path.Combine(dir, "topology", "core_id")).Trim();
            var package = ReadOrEmpty(Path.Combine(dir, "topology", "physical_package_id")).Trim();
            if (core.Length > 0)
            {
                cores.Add(package + "/" + core);
            }
        }

        return cores.Count > 0 ? Math.Min(cores.Count, Environment.ProcessorCount) : null;
    }

    /// <summary>
    /// int8 operations (a multiply and an add per byte pair) per fp32 FLOP of the same instruction count: the CPU
    /// multiplies Q8_0, Q4_0, Q4_K and Q6_K weights with int8 activations (see the backend's README), so their runs sit
    /// under this roof, not the fp32 one (under which a batched quantized decode read over 100 %). With AVX-VNNI and
    /// 256-bit vectors one <c>vpdpbusd</c> does 32 byte pairs where an FMA does 8 lanes: 4; with AVX-512 (.NET has no
    /// 512-bit <c>vpdpbusd</c>: <c>vpmaddubsw</c> and <c>vpmaddwd</c>, 64 pairs per two instructions, against 16 lanes)
    /// and with plain AVX2 (32 pairs per two instructions, against 8 lanes): 2; the portable path: 1.
    /// </summary>
    internal static int Int8PerFp32Operation(int lanes) =>
        lanes == 16 ? 2
        : lanes == 8 && Avx2.IsSupported ? (AvxVnni.IsSupported ? 4 : 2)
        : 1;

    private static int SimdFloatLanes() =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 16
        : Avx2.IsSupported && Fma.IsSupported ? 8
        : Sse.IsSupported || AdvSimd.IsSupported ? 4
        : 1;

    /// <summary>A small text file's contents, or empty when it is missing or unreadable (sysfs and procfs entries).</summary>
    public static string ReadOrEmpty(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
