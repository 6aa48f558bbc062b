using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Backends.Cpu;
using AiProfiler.Core.Running;

namespace AiProfiler.Core.Tests.Running;

public sealed class RunnerTests : IDisposable
{
    private static readonly CpuDeviceProvider Provider = new("simd");
    private readonly AiProfiler.Abstractions.Devices.IDevice _cpu = Provider.Open(0);

    public void Dispose() => _cpu.Dispose();

    [Fact]
    public async Task RunAsync_IterationCount_WarmsUpThenTimesExactlyThatMany()
    {
        var workload = new FakeWorkload();

        var result = await Run(workload, new RunOptions { WarmupIterations = 2, Iterations = 5, TimeBudget = TimeSpan.FromMinutes(1) });

        Assert.Equal(RunOutcome.Passed, result.Outcome);
        Assert.Equal(7, workload.Iterations);
        Assert.Equal(5, result.Latency!.Count);
        Assert.Equal(5, result.IterationSeconds.Count);
        Assert.True(workload.Disposed);
    }

    [Fact]
    public async Task RunAsync_TimeBudget_StopsBeforeTheIterationCount()
    {
        var workload = new FakeWorkload { Iteration = _ => Thread.Sleep(20) };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 10_000, TimeBudget = TimeSpan.FromMilliseconds(100) });

        Assert.InRange(result.Latency!.Count, 1, 100);
        Assert.True(result.Latency.Min >= 0.015, $"an iteration sleeping 20 ms was timed at {result.Latency.Min} s");
    }

    [Fact]
    public async Task RunAsync_IterationLongerThanTheBudgetAtPeak_SaysSoFirstThenTimesOneIterationWithoutWarmup()
    {
        // 1e18 FLOPs take hours at any CPU's peak; the iteration itself returns at once.
        var workload = new FakeWorkload { Cost = new(1e18, 1e8, 1, "tokens") };
        var progress = new List<RunProgress>();

        var result = await new Runner().RunAsync(workload, _cpu, Parameters(workload),
            new RunOptions { WarmupIterations = 2, Iterations = 10, TimeBudget = TimeSpan.FromSeconds(5) }, new SynchronousProgress(progress));

        var note = progress.First(p => p.Note is not null);
        Assert.Matches(@"^one iteration needs at least \d+ s at the device's peak, more than the 5 s time budget: no warm-up, one timed iteration; choose smaller sizes or raise the budget$", note.Note);
        Assert.True(progress.IndexOf(note) < progress.FindIndex(p => p.Phase == "measuring"));
        Assert.DoesNotContain(progress, p => p.Phase == "warm-up");
        Assert.Equal(1, workload.Iterations);
        Assert.Equal(1, result.Latency!.Count);
        Assert.Equal([note.Note!], result.Notes);
    }

    [Fact]
    public async Task RunAsync_FirstIterationUsesTheWholeBudget_NotVerifiedWithTheReason()
    {
        var workload = new FakeWorkload { Iteration = _ => Thread.Sleep(60) };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 10, TimeBudget = TimeSpan.FromMilliseconds(50) });

        Assert.Equal(RunOutcome.Passed, result.Outcome);
        Assert.Null(result.Verification);
        Assert.Equal(1, workload.Iterations);
        Assert.Equal(["not verified: the timed iterations used the whole 0.05 s time budget; raise the budget to verify"], result.Notes);
    }

    [Fact]
    public async Task RunAsync_SlowWarmup_StopsWarmingUpToLeaveRoomForOneTimedIteration()
    {
        // Each iteration takes at least 30 ms: a warm-up iteration starts only while two more fit in 100 ms, so at most
        // two warm-up iterations run, then the one timed iteration; without the bound all 100 would.
        var workload = new FakeWorkload { Iteration = _ => Thread.Sleep(30) };

        var result = await Run(workload, new RunOptions { WarmupIterations = 100, Iterations = 1, TimeBudget = TimeSpan.FromMilliseconds(100) });

        Assert.InRange(workload.Iterations, 2, 3);
        Assert.Equal(1, result.Latency!.Count);
    }

    [Fact]
    public async Task RunAsync_Rates_DerivedFromCostAndMeanTime()
    {
        var workload = new FakeWorkload { Iteration = _ => Thread.Sleep(2) };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 3 });

        FloatAssert.Relative(1e9 / result.Latency!.Mean, result.FlopsPerSecond);
        FloatAssert.Relative(1e8 / result.Latency.Mean, result.BytesPerSecond);
        FloatAssert.Relative(4 / result.Latency.Mean, result.ItemsPerSecond);
        FloatAssert.Relative(10, result.ArithmeticIntensity);
        Assert.NotNull(result.Roofline);
    }

    [Fact]
    public async Task RunAsync_FootprintLargerThanFreeMemory_RefusedBeforePreparing()
    {
        var workload = new FakeWorkload { Footprint = long.MaxValue / 4 };

        var result = await Run(workload, new RunOptions());

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Matches("^needs .+ but device 'cpu' has .+ free; choose smaller sizes or another device$", result.Error);
        Assert.Equal(0, workload.Iterations);
    }

    [Fact]
    public async Task RunAsync_BuffersFitButNotWithTheHostCopiesOnTheCpu_RefusedNamingBoth()
    {
        const long MiB = 1024 * 1024;
        using var cpu = TestDevices.Cpu(hostAvailableBytes: 1280 * MiB); // 1 GiB after the 256 MiB the CPU device keeps free
        var workload = new FakeWorkload { Footprint = 600 * MiB, HostFootprint = 600 * MiB };

        var result = await new Runner().RunAsync(workload, cpu, Parameters(workload), new RunOptions());

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Equal("needs 1.17 GiB (600 MiB of buffers and 600 MiB of host copies for the reference and the check) but device 'cpu' has 1 GiB free; choose smaller sizes", result.Error);
        Assert.Equal(0, workload.Iterations);
    }

    [Fact]
    public async Task RunAsync_HostCopiesLargerThanTheHostOnAnAccelerator_RefusedNamingTheHost()
    {
        const long MiB = 1024 * 1024;
        using var accelerator = new AcceleratorStandIn(TestDevices.Cpu(hostAvailableBytes: 8192 * MiB));
        var workload = new FakeWorkload { Footprint = 600 * MiB, HostFootprint = 600 * MiB };

        var refused = await new Runner(hostAvailableBytes: () => 512 * MiB).RunAsync(workload, accelerator, Parameters(workload), new RunOptions());
        var fits = await new Runner(hostAvailableBytes: () => 1024 * MiB).RunAsync(workload, accelerator, Parameters(workload), new RunOptions());

        Assert.Equal(RunOutcome.Refused, refused.Outcome);
        Assert.Equal("needs 600 MiB of host memory beside 600 MiB on device 'cuda:0' (copies for the reference and the check) but the host has 512 MiB free; choose smaller sizes", refused.Error);
        Assert.Equal(RunOutcome.Passed, fits.Outcome);
    }

    [Fact]
    public async Task RunAsync_DisposeThrowsAfterAGoodRun_FailsNamingTheCleanup()
    {
        var workload = new FakeWorkload { DisposeError = "leaked a handle" };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 2 });

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("releasing failed: leaked a handle", result.Error);
        Assert.Equal(2, workload.Iterations);
    }

    [Fact]
    public async Task RunAsync_DisposeThrowsAfterAFailedIteration_ReportsTheIterationsError()
    {
        var workload = new FakeWorkload { DisposeError = "leaked a handle", Iteration = _ => throw new InvalidOperationException("kernel fault") };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 2 });

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("measuring failed: kernel fault", result.Error);
        Assert.True(workload.Disposed);
    }

    [Fact]
    public async Task RunAsync_OpenClDeviceInHostMemory_CountsBuffersAndHostCopiesTogether()
    {
        const long MiB = 1024 * 1024;
        using var pocl = new AcceleratorStandIn(TestDevices.Cpu(hostAvailableBytes: 1280 * MiB), sharesHostMemory: true);
        var workload = new FakeWorkload { Footprint = 600 * MiB, HostFootprint = 600 * MiB };

        var result = await new Runner(hostAvailableBytes: () => 8192 * MiB).RunAsync(workload, pocl, Parameters(workload), new RunOptions());

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Equal("needs 1.17 GiB (600 MiB of buffers and 600 MiB of host copies for the reference and the check) but device 'opencl:0' has 1 GiB free; choose smaller sizes", result.Error);
    }

    [Fact]
    public async Task RunAsync_IterationRunsOutOfMemory_SaysSoWithoutTheExceptionName()
    {
        var workload = new FakeWorkload { Iteration = _ => throw new OutOfMemoryException() };

        var result = await Run(workload, new RunOptions());

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("warm-up failed: out of memory: the sizes need more than the process can allocate; choose smaller sizes", result.Error);
    }

    [Fact]
    public async Task RunAsync_IterationThrows_FailedAndBuffersReleased()
    {
        var workload = new FakeWorkload { Iteration = _ => throw new InvalidOperationException("kernel fault") };

        var result = await Run(workload, new RunOptions());

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("warm-up failed: kernel fault", result.Error);
        Assert.True(workload.Disposed);
    }

    [Fact]
    public async Task RunAsync_VerificationFails_MeasuredButMarkedFailed()
    {
        var result = await Run(new FakeWorkload { VerifyPasses = false }, new RunOptions { Iterations = 2 });

        Assert.Equal(RunOutcome.VerificationFailed, result.Outcome);
        Assert.Equal("verification failed: off by one", result.Error);
        Assert.True(result.Measured);
    }

    [Fact]
    public async Task RunAsync_Timeout_ReportsTimedOut()
    {
        var workload = new FakeWorkload { Iteration = c => Task.Delay(-1, c.CancellationToken).Wait(c.CancellationToken) };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Timeout = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(RunOutcome.TimedOut, result.Outcome);
        Assert.True(workload.Disposed);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_Throws()
    {
        using var cancel = new CancellationTokenSource();
        var workload = new FakeWorkload { Iteration = c => { cancel.Cancel(); c.CancellationToken.ThrowIfCancellationRequested(); } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Runner().RunAsync(workload, _cpu, Parameters(workload), new RunOptions(), null, cancel.Token));
        Assert.True(workload.Disposed);
    }

    [Fact]
    public async Task RunAsync_RecordedMeasurements_SummarizedWithoutWarmup()
    {
        var step = 0;
        var workload = new FakeWorkload { Iteration = c => c.Record("loss", c.IsWarmup ? 100 : ++step) };

        var result = await Run(workload, new RunOptions { WarmupIterations = 1, Iterations = 4 });

        var loss = result.Measurements["loss"];
        Assert.Equal(4, loss.Count);
        FloatAssert.Relative(2.5, loss.Mean);
        Assert.Equal(4, loss.Max);
    }

    [Fact]
    public void PrecisionOf_Fp16Parameter_UsesFp16Peak()
    {
        var workload = new FakeWorkload();
        var set = ParameterSet.Create("fake", workload.Parameters, new Dictionary<string, string> { ["precision"] = "fp16" });

        Assert.Equal(AiProfiler.Abstractions.Devices.DataType.Float16, Runner.PrecisionOf(set));
    }

    [Fact]
    public async Task RunAsync_PreparedCostNamesItsPrecision_PlacedUnderThatTypesPeak()
    {
        // The CPU multiplies block-quantized weights as int8: a Q4_K run's roof is the int8 one, above the fp32 peak.
        var workload = new FakeWorkload { Cost = new WorkloadCost(1e9, 1e8, 4, "tokens") { Precision = DataType.Q4_K } };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 2 });

        Assert.Equal(DataType.Q4_K, result.Precision);
        Assert.Equal(_cpu.Info.PeakFlopsFor(DataType.Q4_K), result.Roofline!.PeakFlopsPerSecond);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.Equal(_cpu.Info.PeakFlopsPerSecond * (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 4 : 2), result.Roofline.PeakFlopsPerSecond, 1e-9 * result.Roofline.PeakFlopsPerSecond);
        }
    }

    private static ParameterSet Parameters(FakeWorkload w) => ParameterSet.Create(w.Name, w.Parameters);

    [Fact]
    public async Task RunAsync_Threads_RunsOnThatManyThreadsThenRestoresTheDevice()
    {
        var device = (CpuDevice)_cpu;
        var seen = 0;
        var workload = new FakeWorkload { Iteration = _ => seen = device.Threads };

        var result = await Run(workload, new RunOptions { WarmupIterations = 0, Iterations = 2, Threads = 1 });

        Assert.Equal(RunOutcome.Passed, result.Outcome);
        Assert.Equal(1, seen);
        Assert.Equal(1, result.Threads);
        Assert.Equal(Environment.ProcessorCount, device.Threads);
    }

    [Fact]
    public async Task RunAsync_MoreThreadsThanCores_RefusedNamingTheRange()
    {
        var workload = new FakeWorkload();

        var result = await Run(workload, new RunOptions { Threads = Environment.ProcessorCount + 1 });

        Assert.Equal(RunOutcome.Refused, result.Outcome);
        Assert.Equal($"{Environment.ProcessorCount + 1} threads asked for on device 'cpu', which runs on 1 to {Environment.ProcessorCount}; choose a thread count in that range", result.Error);
        Assert.Equal(0, workload.Iterations);
    }

    private Task<RunResult> Run(FakeWorkload workload, RunOptions options) =>
        new Runner().RunAsync(workload, _cpu, Parameters(workload), options);

    /// <summary>A CPU device that says it is an accelerator, so device and host memory are told apart.</summary>
    private sealed class AcceleratorStandIn(AiProfiler.Abstractions.Devices.IDevice inner, bool sharesHostMemory = false) : AiProfiler.Abstractions.Devices.IDevice
    {
        public AiProfiler.Abstractions.Devices.DeviceInfo Info { get; } = sharesHostMemory
            ? inner.Info with { Id = "opencl:0", Kind = AiProfiler.Abstractions.Devices.DeviceKind.OpenCL, SharesHostMemory = true }
            : inner.Info with { Id = "cuda:0", Kind = AiProfiler.Abstractions.Devices.DeviceKind.Cuda, SharesHostMemory = false };

        public long AvailableMemoryBytes => inner.AvailableMemoryBytes;

        public AiProfiler.Abstractions.Devices.ITensorOps Ops => inner.Ops;

        public AiProfiler.Abstractions.Kernels.IKernelCompiler? Kernels => inner.Kernels;

        public AiProfiler.Abstractions.Devices.IDeviceBuffer Allocate(long length, AiProfiler.Abstractions.Devices.DataType type = AiProfiler.Abstractions.Devices.DataType.Float32) => inner.Allocate(length, type);

        public void Write<T>(AiProfiler.Abstractions.Devices.IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
            where T : unmanaged => inner.Write(destination, source, offset);

        public void Read<T>(AiProfiler.Abstractions.Devices.IDeviceBuffer source, Span<T> destination, long offset = 0)
            where T : unmanaged => inner.Read(source, destination, offset);

        public AiProfiler.Abstractions.Devices.IDeviceTimer CreateTimer() => inner.CreateTimer();

        public void Synchronize() => inner.Synchronize();

        public void Dispose() => inner.Dispose();
    }

    /// <summary>Collects progress on the reporting thread (Progress&lt;T&gt; would post to the thread pool and lose the order).</summary>
    private sealed class SynchronousProgress(List<RunProgress> reports) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => reports.Add(value);
    }
}
