using AiProfiler.Shared;

namespace AiProfiler.Core.Tests.Shared;

public sealed class HostMemoryReaderTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void AvailableBytes_NoCgroupLimit_IsMemAvailableLessTheMargin()
    {
        var reader = Fixture("0::/\n", ("sys/fs/cgroup/memory.max", "max\n"));

        Assert.Equal((20_000 * MiB) - HostMemoryReader.SafetyMarginBytes, reader.AvailableBytes());
        Assert.Equal(24_000 * MiB, reader.TotalBytes());
    }

    [Fact]
    public void AvailableBytes_CgroupV2Limit_IsTheHeadroomWithoutReclaimableCache()
    {
        var reader = Fixture(
            "0::/system.slice/aiprofiler.service\n",
            ("sys/fs/cgroup/system.slice/aiprofiler.service/memory.max", $"{4096 * MiB}\n"),
            ("sys/fs/cgroup/system.slice/aiprofiler.service/memory.current", $"{1536 * MiB}\n"),
            ("sys/fs/cgroup/system.slice/aiprofiler.service/memory.stat", $"anon 1\ninactive_file {512 * MiB}\n"));

        Assert.Equal((3072 * MiB) - HostMemoryReader.SafetyMarginBytes, reader.AvailableBytes());
        Assert.Equal(4096 * MiB, reader.TotalBytes());
    }

    [Fact]
    public void AvailableBytes_LimitOnAParentCgroup_IsHonoured()
    {
        var reader = Fixture(
            "0::/limited.slice/child\n",
            ("sys/fs/cgroup/limited.slice/memory.max", $"{2048 * MiB}\n"),
            ("sys/fs/cgroup/limited.slice/memory.current", $"{1024 * MiB}\n"),
            ("sys/fs/cgroup/limited.slice/child/memory.max", "max\n"));

        Assert.Equal((1024 * MiB) - HostMemoryReader.SafetyMarginBytes, reader.AvailableBytes());
    }

    [Fact]
    public void AvailableBytes_CgroupV1Limit_IsHonoured()
    {
        var reader = Fixture(
            "4:memory:/docker/abc\n0::/\n",
            ("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", $"{1024 * MiB}\n"),
            ("sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes", $"{256 * MiB}\n"));

        Assert.Equal((768 * MiB) - HostMemoryReader.SafetyMarginBytes, reader.AvailableBytes());
    }

    [Fact]
    public void AvailableBytes_CgroupV1Unlimited_IsMemAvailable()
    {
        var reader = Fixture("4:memory:/\n", ("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n"));

        Assert.Equal((20_000 * MiB) - HostMemoryReader.SafetyMarginBytes, reader.AvailableBytes());
    }

    [Fact]
    public void AvailableBytes_UsageAboveTheLimit_IsZero()
    {
        var reader = Fixture(
            "0::/full\n",
            ("sys/fs/cgroup/full/memory.max", $"{100 * MiB}\n"),
            ("sys/fs/cgroup/full/memory.current", $"{100 * MiB}\n"));

        Assert.Equal(0, reader.AvailableBytes());
    }

    [Fact]
    public void OomKills_MemoryEvents_ReadsTheCounter()
    {
        var reader = Fixture("0::/svc\n", ("sys/fs/cgroup/svc/memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n"));

        Assert.Equal(2, reader.OomKills());
    }

    private HostMemoryReader Fixture(string selfCgroup, params (string Path, string Text)[] files)
    {
        Write("proc/meminfo", "MemTotal:       24576000 kB\nMemFree:         1000000 kB\nMemAvailable:   20480000 kB\n");
        Write("proc/self/cgroup", selfCgroup);
        foreach (var (path, text) in files)
        {
            Write(path, text);
        }

        return new HostMemoryReader(Path.Combine(_root.Path, "proc"), Path.Combine(_root.Path, "sys/fs/cgroup"));
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
