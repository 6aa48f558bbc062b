namespace AiProfiler.Backends.OpenCL.Tests;

public sealed class HostMemoryTests
{
    [Fact]
    public void ParseMemAvailable_ProcMeminfo_ReturnsBytes()
    {
        const string meminfo = "MemTotal:       24576000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\nBuffers:            1234 kB\n";

        Assert.Equal(20_000_000L * 1024, HostMemory.ParseMemAvailable(meminfo));
    }

    [Fact]
    public void ParseMemAvailable_OldKernelWithoutTheLine_ReturnsNull()
    {
        Assert.Null(HostMemory.ParseMemAvailable("MemTotal:       24576000 kB\nMemFree:         1000000 kB\n"));
    }

    [Fact]
    public void AvailableBytes_OnThisHost_KeepsTheSafetyMarginFree()
    {
        var available = HostMemory.AvailableBytes();

        Assert.InRange(available, 0, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - HostMemory.SafetyMarginBytes);
    }
}
