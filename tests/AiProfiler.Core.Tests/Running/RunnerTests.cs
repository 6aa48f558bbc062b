using AiProfiler.Abstractions.Parameters;
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
    public async Task RunAsync_IterationThrows_FailedAndBuffersReleased()
    {
        var workload = new FakeWorkload { Iteration = _ => throw new InvalidOperationException("kernel fault") };

        var result = await Run(workload, new RunOptions());

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("InvalidOperationException: kernel fault", result.Error);
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
}
