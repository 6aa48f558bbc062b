namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuInfoReaderTests
{
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

        // 12 MiB moved per pass: any machine this runs on lands between 100 MB/s and 10 TB/s; a pass counted in
        // elements instead of bytes, or in milliseconds instead of seconds, would not.
        var rates = Enumerable.Range(0, 3).Select(_ => triad.Pass()).ToList();
        triad.Dispose();

        Assert.All(rates, rate => Assert.InRange(rate, 1e8, 1e13));
        Assert.Throws<ObjectDisposedException>(() => triad.Pass());
    }

    [Fact]
    public void StreamTriad_TooFewElementsOrRepetitions_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamTriad(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamTriad.Measure(1 << 20, 0));
    }
}
