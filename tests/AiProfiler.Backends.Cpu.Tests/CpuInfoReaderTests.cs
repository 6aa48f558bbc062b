using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuInfoReaderTests
{
    /// <summary>
    /// The CPU multiplies Q8_0, Q4_0, Q4_K and Q6_K weights as int8, so their runs' roof is the int8 one: 4 × fp32 with
    /// 256-bit AVX-VNNI (32 byte pairs per vpdpbusd against 8 lanes), 2 × with AVX-512 or plain AVX2, and named in the
    /// peak's source; fp16 (widened to fp32 here) keeps the fp32 peak.
    /// </summary>
    [Fact]
    public void Describe_BlockQuantizedTypes_TakeTheInt8Roof()
    {
        var factor = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 2
            : Avx2.IsSupported && Fma.IsSupported ? (AvxVnni.IsSupported ? 4 : 2)
            : 1;

        var info = CpuInfoReader.Describe("test");

        foreach (var type in new[] { DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K })
        {
            Assert.Equal(factor * info.PeakFlopsPerSecond, info.PeakFlopsFor(type), 1e-9 * info.PeakFlopsPerSecond);
        }

        Assert.Equal(info.PeakFlopsPerSecond, info.PeakFlopsFor(DataType.Float16));
        Assert.Contains($"block-quantized weights (int8 products): {factor} x that", info.PeakSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("266240K\n", 266240L * 1024)]
    [InlineData("32M", 32L << 20)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1048576", 1048576L)]
    public void ParseCacheSizeBytes_SysfsSizes_GiveBytes(string text, long expected) =>
        Assert.Equal(expected, CpuInfoReader.ParseCacheSizeBytes(text));

    [Theory]
    [InlineData("")]
    [InlineData("big")]
    [InlineData("-5K")]
    public void ParseCacheSizeBytes_Unreadable_GivesNull(string text) =>
        Assert.Null(CpuInfoReader.ParseCacheSizeBytes(text));

    [Fact]
    public void TriadElements_LargeL3_ArraysSpanFourTimesTheCache()
    {
        var elements = CpuInfoReader.TriadElements(32L << 20);

        Assert.True(3L * sizeof(float) * elements >= 4L * (32L << 20) - 12);
    }

    [Fact]
    public void TriadElements_HugeL3_CappedAtOneGiBInAll()
    {
        var elements = CpuInfoReader.TriadElements(266240L * 1024);

        Assert.Equal((1L << 30) / 12, elements);
    }

    [Fact]
    public void TriadElements_UnknownL3_AssumesSixtyFourMiB() =>
        Assert.Equal(CpuInfoReader.TriadElements(64L << 20), CpuInfoReader.TriadElements(null));

    [Fact]
    public void StreamTriad_PassesAlternatingWithOtherWork_ReportBytesPerSecondUntilDisposed()
    {
        var triad = new StreamTriad(1 << 20);

        // The rate itself depends on the machine and its load: its floor is a benchmark (bench/workloads), not a test.
        // What is checked here is what the rate is made of: 12 bytes per element, a finite positive rate per pass.
        var rates = Enumerable.Range(0, 3).Select(_ => triad.Pass()).ToList();
        var bytes = triad.BytesPerPass;
        triad.Dispose();

        Assert.Equal(12L << 20, bytes);
        Assert.All(rates, rate => Assert.True(double.IsFinite(rate) && rate > 0, $"a pass reported {rate} bytes/s"));
        Assert.Throws<ObjectDisposedException>(() => triad.Pass());
    }

    /// <summary>Both passes compute the triad a = b + 3·c into every element, the last of an odd length included.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamTriad_EachKindOfPass_WritesTheTriadIntoEveryElement(bool plain)
    {
        const int elements = (1 << 20) + 5;
        using var triad = new StreamTriad(elements);
        var rate = plain ? triad.PlainPass() : triad.Pass();
        Assert.True(double.IsFinite(rate) && rate > 0, $"a pass reported {rate} bytes/s");
        foreach (var i in new[] { 0, 1, 4097, elements / 2, elements - 2, elements - 1 })
        {
            Assert.Equal(7f, triad.Result(i));
        }
    }

    [Fact]
    public void StreamTriad_TooFewElementsOrRepetitions_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamTriad(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamTriad.Measure(1 << 20, 0));
    }
}
