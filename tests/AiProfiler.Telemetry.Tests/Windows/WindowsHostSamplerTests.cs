using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AiProfiler.Telemetry.Tests.Support;
using AiProfiler.Telemetry.Windows;

namespace AiProfiler.Telemetry.Tests.Windows;

public sealed class WindowsHostSamplerTests
{
    [Fact]
    public void Start_OnThisOperatingSystem_IsAvailableOnlyOnWindows()
    {
        using var sampler = new WindowsHostSampler();

        Assert.Equal(OperatingSystem.IsWindows() ? null : "not Windows", sampler.Start());
    }

    [Fact]
    public void Collect_OnWindows_WritesCpuAndMemoryUnderTheLinuxNames()
    {
        Assert.SkipUnless(OperatingSystem.IsWindows(), "the Windows sampler reads Windows performance APIs");

        using var sampler = new WindowsHostSampler();
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.True(writer.Value("host_cpu", ("cpu", "all"), ("mode", "idle")) > 0);
        Assert.InRange(writer.Value("host_memory_available"), 1, writer.Value("host_memory_total"));
    }

    [Fact]
    public void MemoryStatusEx_MatchesSysinfoapiLayout()
    {
        // DWORD dwLength, dwMemoryLoad; then seven DWORDLONGs from offset 8; 64 bytes.
        Assert.Equal(64, Marshal.SizeOf<MemoryStatusEx>());
        Assert.Equal(64, Unsafe.SizeOf<MemoryStatusEx>());
        string[] fields = ["Length", "MemoryLoad", "TotalPhys", "AvailPhys", "TotalPageFile", "AvailPageFile", "TotalVirtual", "AvailVirtual", "AvailExtendedVirtual"];
        int[] offsets = [0, 4, 8, 16, 24, 32, 40, 48, 56];
        Assert.Equal(offsets, fields.Select(f => Marshal.OffsetOf<MemoryStatusEx>(f).ToInt32()));
    }

    [Fact]
    public void FileTime_MatchesMinwinbaseLayoutAndCountsHundredNanoseconds()
    {
        Assert.Equal(8, Marshal.SizeOf<FileTime>());
        Assert.Equal(4, Marshal.OffsetOf<FileTime>("HighDateTime").ToInt32());
        FloatAssert.Relative(429.4967296 + 1e-7, new FileTime { LowDateTime = 1, HighDateTime = 1 }.Seconds);
    }
}
