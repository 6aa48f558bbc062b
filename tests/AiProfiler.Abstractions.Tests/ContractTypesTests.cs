using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Abstractions.Tests;

public sealed class ContractTypesTests
{
    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3L << 30, "3 GiB")]
    public void FormatBytes_UsesBinaryUnits(long bytes, string expected)
    {
        Assert.Equal(expected, InsufficientDeviceMemoryException.FormatBytes(bytes));
    }

    [Fact]
    public void InsufficientDeviceMemory_MessageNamesSizeLimitAndFix()
    {
        var error = new InsufficientDeviceMemoryException("cuda:0", 90L << 30, 79L << 30);

        Assert.Equal("needs 90 GiB but device 'cuda:0' has 79 GiB free; choose smaller sizes or another device", error.Message);
    }

    [Fact]
    public void KernelCompilationException_QuotesTheFirstErrorLine()
    {
        var error = new KernelCompilationException("softmax", "<source>:3:5: warning: unused\n<source>:7:1: error: expected ';' after expression\n1 error generated.");

        Assert.Equal("kernel 'softmax' failed to compile: <source>:7:1: error: expected ';' after expression", error.Message);
    }

    [Fact]
    public void IterationContext_Record_SkipsWarmupAndRejectsBadNames()
    {
        var values = new Dictionary<string, List<double>>();
        new IterationContext(CancellationToken.None, values, isWarmup: true).Record("loss", 9);
        var timed = new IterationContext(CancellationToken.None, values, isWarmup: false);
        timed.Record("loss", 1);

        Assert.Equal([1.0], values["loss"]);
        Assert.Throws<ArgumentException>(() => timed.Record("TTFT-seconds", 1));
    }

    [Fact]
    public void Contract_MajorVersionIsTheAssemblyMajor()
    {
        Assert.Equal(1, WorkloadContract.MajorVersion);
    }

    [Fact]
    public void GemmDescriptor_PackedLeadingDimensionsFollowTransposes()
    {
        var g = new GemmDescriptor { M = 3, N = 5, K = 7, TransposeA = true };

        Assert.Equal((3, 5, 5), (g.EffectiveLdA, g.EffectiveLdB, g.EffectiveLdC));
        Assert.Equal(2.0 * 3 * 5 * 7, g.Flops);
    }
}
