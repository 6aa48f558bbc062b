using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AiProfiler.Telemetry.Nvml;

namespace AiProfiler.Telemetry.Tests.Nvml;

/// <summary>
/// Sizes and field offsets of every NVML struct bound, against figures worked out by hand from nvml.h (NVML 12.2,
/// as kept in NVIDIA/go-nvml gen/nvml/nvml.h) for LP64/LLP64: unsigned int and enums 4 bytes, unsigned long long and
/// double 8, pointers 8, each field at the next multiple of its alignment, the struct padded to its largest alignment.
/// </summary>
public sealed class NvmlStructLayoutTests
{
    public NvmlStructLayoutTests()
    {
        Assert.True(Environment.Is64BitProcess, "the figures below are for 64-bit processes, the only kind the agent ships as");
    }

    [Fact]
    public void NvmlPciInfo_MatchesHeader()
    {
        // char busIdLegacy[16]; 5 x unsigned int at 16..32; char busId[32] at 36; 68 bytes, 4-byte aligned.
        AssertLayout<NvmlPciInfo>(68, ("BusIdLegacy", 0), ("Domain", 16), ("Bus", 20), ("Device", 24), ("PciDeviceId", 28), ("PciSubSystemId", 32), ("BusId", 36));
    }

    [Fact]
    public void NvmlUtilization_MatchesHeader()
    {
        AssertLayout<NvmlUtilization>(8, ("Gpu", 0), ("Memory", 4));
    }

    [Fact]
    public void NvmlMemory_MatchesHeader()
    {
        AssertLayout<NvmlMemory>(24, ("Total", 0), ("Free", 8), ("Used", 16));
    }

    [Fact]
    public void NvmlMemoryV2_MatchesHeaderWithPaddingAfterVersion()
    {
        // unsigned int version; 4 bytes padding; then total, reserved, free, used as unsigned long long.
        AssertLayout<NvmlMemoryV2>(40, ("Version", 0), ("Total", 8), ("Reserved", 16), ("Free", 24), ("Used", 32));
    }

    [Fact]
    public void NvmlMemoryV2_Version_IsStructVersionMacroOfItsSize()
    {
        // #define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2) = (unsigned int)(sizeof(nvmlMemory_v2_t) | (2 << 24U))
        Assert.Equal(0x02000028u, NvmlMemoryV2.Version2);
        Assert.Equal(0x02000028u, (uint)Unsafe.SizeOf<NvmlMemoryV2>() | (2u << 24));
    }

    [Fact]
    public void NvmlProcessInfo_MatchesHeaderV2Layout()
    {
        // nvmlProcessInfo_v2_t: unsigned int pid; padding; unsigned long long usedGpuMemory; two unsigned int ids.
        AssertLayout<NvmlProcessInfo>(24, ("Pid", 0), ("UsedGpuMemory", 8), ("GpuInstanceId", 16), ("ComputeInstanceId", 20));
    }

    [Fact]
    public void NvmlGpmMetric_MatchesHeader()
    {
        // unsigned int metricId; nvmlReturn_t nvmlReturn; double value; struct { char *shortName, *longName, *unit; }.
        AssertLayout<NvmlGpmMetric>(40, ("MetricId", 0), ("NvmlReturn", 4), ("Value", 8), ("ShortName", 16), ("LongName", 24), ("Unit", 32));
    }

    [Fact]
    public void NvmlGpmMetricsGet_MatchesHeader()
    {
        // unsigned int version, numMetrics; nvmlGpmSample_t sample1, sample2; nvmlGpmMetric_t metrics[98] at 24.
        Assert.Equal(98, NvmlGpmMetricArray.Length);
        Assert.Equal(98 * 40, Unsafe.SizeOf<NvmlGpmMetricArray>());
        Assert.Equal(24 + (98 * 40), Unsafe.SizeOf<NvmlGpmMetricsGet>());
        var value = default(NvmlGpmMetricsGet);
        Assert.Equal(0, Offset(ref value, ref Unsafe.As<uint, byte>(ref value.Version)));
        Assert.Equal(4, Offset(ref value, ref Unsafe.As<uint, byte>(ref value.NumMetrics)));
        Assert.Equal(8, Offset(ref value, ref Unsafe.As<nint, byte>(ref value.Sample1)));
        Assert.Equal(16, Offset(ref value, ref Unsafe.As<nint, byte>(ref value.Sample2)));
        Assert.Equal(24, Offset(ref value, ref Unsafe.As<NvmlGpmMetricArray, byte>(ref value.Metrics)));
        Assert.Equal(24 + 40, Offset(ref value, ref Unsafe.As<uint, byte>(ref value.Metrics[1].MetricId)));
        Assert.Equal(1u, NvmlGpmMetricsGet.CurrentVersion);
    }

    [Fact]
    public void NvmlGpmSupport_MatchesHeader()
    {
        AssertLayout<NvmlGpmSupport>(8, ("Version", 0), ("IsSupportedDevice", 4));
        Assert.Equal(1u, NvmlGpmSupport.CurrentVersion);
    }

    [Fact]
    public void NvmlEnums_AreFourBytesLikeCEnums()
    {
        Assert.Equal(4, Unsafe.SizeOf<NvmlReturn>());
        Assert.Equal(4, Unsafe.SizeOf<NvmlClockType>());
        Assert.Equal(4, Unsafe.SizeOf<NvmlPcieUtilCounter>());
        Assert.Equal(4, Unsafe.SizeOf<NvmlTemperatureSensor>());
    }

    private static void AssertLayout<T>(int size, params (string Field, int Offset)[] fields)
        where T : struct
    {
        Assert.Equal(size, Unsafe.SizeOf<T>());
        Assert.Equal(size, Marshal.SizeOf<T>());
        foreach (var (field, offset) in fields)
        {
            Assert.True(offset == Marshal.OffsetOf<T>(field).ToInt32(), $"{typeof(T).Name}.{field} is at {Marshal.OffsetOf<T>(field)}, the header puts it at {offset}");
        }
    }

    private static int Offset<T>(ref T start, ref byte field) =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<T, byte>(ref start), ref field);
}
