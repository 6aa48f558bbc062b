using AiProfiler.Agent.Reporting;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Tests.Reporting;

/// <summary>Snapshots as the agent would take them, for the renderer's tests.</summary>
internal static class SnapshotSamples
{
    public static readonly DateTimeOffset At = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);

    public static DeviceSummary Cpu { get; } = new("cpu", "cpu", "AMD EPYC", "AuthenticAMD", ".NET 10", 24L << 30, 2,
        [new CeilingSummary("fp32", 268e9, 460e9, 450e9, 465e9)], new CeilingSummary("memory", 0, 20e9, 18e9, 21e9), "");

    public static DeviceSummary Gpu { get; } = new("opencl:0", "opencl", "PoCL", "Portable Computing Language", "3.1", 20L << 30, 2,
        [new CeilingSummary("fp32", 134e9)], new CeilingSummary("memory", 0), "");

    public static RunSummary Run(string workload, string device, double intensity, double flopsPerSecond, double meanSeconds = 1e-3, string shape = "M=64 N=64 K=64 fp32", string impl = "openblas") =>
        new(workload, device, impl, "m=64", shape, "fp32", At, 5, meanSeconds, meanSeconds / 10, flopsPerSecond, flopsPerSecond / intensity,
            1000, "tokens", intensity, 0.5, "compute", true, new Dictionary<string, double> { ["tpot_seconds"] = 0.012 });

    public static ProfileSnapshot Snapshot(IReadOnlyList<RunSummary> runs, IReadOnlyList<ScenarioAdvice>? advice = null, MachineCalibration? calibration = null) =>
        new(At, new MachineSummary("host-1", "Debian", "AMD EPYC", 2, 24L << 30, "0.1.0"), [Cpu, Gpu],
            [new BackendSummary("cuda", "libcuda.so.1 not found (no NVIDIA driver)")], runs, calibration, advice ?? []);

    public static ScenarioAdvice Advice(string verdict) => new(
        new AdviceScenario
        {
            Name = "gpt2-medium fp32 512+128 mlperf-interactive",
            Model = "gpt2-medium",
            Precision = "fp32",
            Slo = new ServiceLevelObjective("mlperf-interactive", 0.5, 0.03),
        },
        new ModelArchitecture
        {
            Name = "gpt2-medium", Layers = 24, DModel = 1024, Heads = 16, KvHeads = 16, HeadDim = 64, FfnDim = 4096, GatedFfn = false,
            Vocab = 50257, Context = 1024, TiedEmbeddings = true,
        },
        354_823_168,
        354_823_168,
        [
            new DevicePrediction
            {
                DeviceId = "cpu", DeviceName = "AMD EPYC", Memory = new MemoryFit(1_419_292_672, 100_663_296, 0, 0, 0, 20L << 30),
                Ttft = new AdviceFigure(0.41, FigureOrigin.Predicted, "cpu fp32 460 GFLOP/s"),
                Tpot = new AdviceFigure(0.072, FigureOrigin.Measured, "inference run, 3 iterations"),
                TokensPerSecond = new AdviceFigure(13.9, FigureOrigin.Predicted, "cpu triad 20 GB/s"),
                Bound = "bandwidth", Concurrency = 1, MaxConcurrency = 0, MeetsSlo = false,
                Validation = [new ValidationComparison("tpot_seconds", 0.070, 0.080, "inference preset=medium batch=1") { PredictedNow = 0.090, NowBasis = "cpu re-measured <now>" }],
            },
        ],
        verdict);
}
