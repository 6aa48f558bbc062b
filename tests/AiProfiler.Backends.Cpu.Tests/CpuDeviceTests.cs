namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuDeviceTests
{
    [Fact]
    public void Threads_ByDefault_AreAllLogicalCores()
    {
        using var device = (CpuDevice)new CpuDeviceProvider("simd").Open(0);

        Assert.Equal(Environment.ProcessorCount, device.Threads);
        Assert.Equal(Environment.ProcessorCount, device.MaxThreads);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_000)]
    public void Threads_OutsideTheCores_RefusedNamingTheRange(int threads)
    {
        using var device = (CpuDevice)new CpuDeviceProvider("simd").Open(0);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => device.Threads = threads);

        Assert.StartsWith($"the CPU device runs on 1 to {Environment.ProcessorCount} threads (its logical cores); got {threads}", error.Message, StringComparison.Ordinal);
    }
}
