using AiProfiler.Telemetry.Process;
using AiProfiler.Telemetry.Tests.Support;

namespace AiProfiler.Telemetry.Tests.Process;

public sealed class ProcessSamplerTests
{
    [Fact]
    public void Collect_ThisProcess_WritesCpuMemoryThreadsAndGc()
    {
        using var sampler = new ProcessSampler("/proc");
        Assert.Null(sampler.Start());
        GC.Collect(0);
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.True(writer.Value("process_cpu", ("mode", "user")) > 0);
        Assert.True(writer.Named("process_cpu").All(p => p.IsCounter && p.Unit == "s"));
        Assert.True(writer.Value("process_resident_memory") > 1 << 20);
        Assert.True(writer.Value("process_threads") >= 1);
        Assert.True(writer.Value("process_gc_heap_size") > 0);
        Assert.True(writer.Value("process_gc_collections", ("generation", "0")) >= 1);
        Assert.Equal(GC.MaxGeneration + 1, writer.Named("process_gc_collections").Count());
        Assert.True(writer.Value("process_gc_allocated") > 0);
    }

    [Fact]
    public void Collect_FixtureStatus_ReadsResidentMemoryAndThreadsFromProcRoot()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the process sampler reads /proc/<pid>/status only on Linux");

        using var sampler = new ProcessSampler(Fixtures.ProcRoot);
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        Assert.Equal(98304d * 1024, writer.Value("process_resident_memory"));
        Assert.Equal(23, writer.Value("process_threads"));
    }
}
