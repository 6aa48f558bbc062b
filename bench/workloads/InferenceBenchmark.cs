using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Backends.Cpu;
using AiProfiler.Workloads.Inference;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// Decode at batch 1 with a model larger than the last-level cache: the bytes each step must read (all weights and the
/// KV cache) per second of step time, as a fraction of a STREAM triad on arrays about four times the cache (MBU against
/// what this machine can actually stream). Triad passes and decode iterations take turns, so a neighbour's burst of
/// load on a shared VM lands on both, and each is summarised by the same statistic: median against median (the
/// headline), best against best, and all steps against the median triad.
/// </summary>
internal static class InferenceBenchmark
{
    private const int TriadPassesPerIteration = 3;

    public static void Run(CpuDeviceProvider provider, BenchOptions options)
    {
        var l3 = CacheSize.LastLevelBytes();
        var triadElements = (int)Math.Clamp(l3 == 0 ? 64L << 20 : l3, 32L << 20, 256L << 20);
        var workload = new InferenceWorkload();
        var parameters = ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string>
        {
            ["preset"] = options.Get("preset", "medium"),
            ["batch"] = options.Get("batch", "1"),
            ["prompt"] = options.Get("prompt", "16"),
            ["gen"] = options.Get("gen", "17"),
            ["weights"] = options.Get("weights", string.Empty),
            ["prompt_ids"] = options.Get("prompt_ids", string.Empty),
        });
        if (parameters.GetInt32("gen") < 2)
        {
            throw new ArgumentException("gen=1 leaves no decode step to time (the first token comes from the prefill); use gen=2 or more");
        }

        var iterations = options.GetInt32("iterations", 3);
        using var device = (CpuDevice)provider.Open(0);
        device.Threads = options.GetInt32("threads", device.Threads);
        var prepareStart = Stopwatch.GetTimestamp();
        using var prepared = workload.Prepare(device, parameters);
        var prepareSeconds = Stopwatch.GetElapsedTime(prepareStart).TotalSeconds;
        using var triad = new StreamTriad(triadElements);
        var triadRates = new List<double>();
        var plainRates = new List<double>();
        var measurements = new Dictionary<string, List<double>>();
        triad.Pass();
        // Two untimed iterations by default: .NET promotes methods called 30 times to optimized code on a background
        // thread, after the first iteration; on a core the benchmark is pinned to, that compilation took the core from
        // the timed steps (TPOT p50 23 ms, mean 27 ms, Q4_0 at 1 thread) until a second iteration had let it finish.
        for (var w = 0; w < options.GetInt32("warmup", 2); w++)
        {
            prepared.Run(new IterationContext(CancellationToken.None, [], isWarmup: true));
        }
        // Triad passes before every iteration and after the last one, so that decode is bracketed: with one iteration
        // (bench/llama-cpp/run.sh) a neighbour's burst on a shared VM before or after it no longer decides the triad alone.
        for (var i = 0; i <= iterations; i++)
        {
            // One pass not counted: the first after a decode iteration (seconds away from these arrays) read 13–21 GB/s
            // where the next ones read 38–40 on this VM, every time (pages the host lets go cold, re-touched), while
            // decode touches its weights every step.
            triad.Pass();
            for (var pass = 0; pass < TriadPassesPerIteration; pass++)
            {
                triadRates.Add(triad.Pass());
                plainRates.Add(triad.PlainPass());
            }

            if (i < iterations)
            {
                prepared.Run(new IterationContext(CancellationToken.None, measurements, isWarmup: false));
            }
        }

        var tpot = measurements["tpot_seconds"];
        var stepRates = measurements["decode_bytes_per_second"];
        var bytes = stepRates.Zip(tpot, (rate, seconds) => rate * seconds).Sum();
        var allSteps = bytes / tpot.Sum();
        var stepBytes = bytes / tpot.Count;
        double triadMedian = Statistics.Percentile(triadRates, 50), triadBest = triadRates.Max();
        double stepMedian = Statistics.Percentile(stepRates, 50), stepBest = stepRates.Max();
        var verification = prepared.Verify();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream triad: 3 arrays of {CacheSize.Describe(triadElements * 4L)}, {triadRates.Count} passes taking turns with decode: median {triadMedian / 1e9:0.00} GB/s, best {triadBest / 1e9:0.00} GB/s, worst {triadRates.Min() / 1e9:0.00} GB/s (start-up probe in the device info: {provider.Discover().Devices[0].PeakBandwidthBytesPerSecond / 1e9:0.00} GB/s)"));
        Console.WriteLine("  triad passes in order, GB/s: " + string.Join(" ", triadRates.Select(r => (r / 1e9).ToString("0.0", CultureInfo.InvariantCulture))));
        Console.WriteLine($"inference decode: {prepared.Shape}, {prepared.Implementation}, prepared in {prepareSeconds:0.0} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  bytes per decode step {stepBytes / 1e9:0.000} GB ({CacheSize.Times(stepBytes, l3)}); {tpot.Count} steps over {iterations} iterations"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  TTFT mean {measurements["ttft_seconds"].Average() * 1e3:0.0} ms (prefill {measurements["prefill_tokens_per_second"].Average():0.0} tokens/s); TPOT mean {tpot.Average() * 1e3:0.0} ms, p50 {Statistics.Percentile(tpot, 50) * 1e3:0.0} ms, p99 {Statistics.Percentile(tpot, 99) * 1e3:0.0} ms; {measurements["decode_tokens_per_second"].Average():0.00} tokens/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  decode bandwidth: median step {stepMedian / 1e9:0.00} GB/s, best step {stepBest / 1e9:0.00} GB/s, all steps {allSteps / 1e9:0.00} GB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  MBU against the triad: {stepMedian / triadMedian:0.00} median/median (target >= 0.9), {stepBest / triadBest:0.00} best/best, {allSteps / triadMedian:0.00} all steps/median"));
        // The same triad with ordinary stores, as STREAM's own loop compiles without streaming stores: what a user's
        // stream.c reports (StreamTriad.PlainPass); the headline above divides by the streaming-store triad, the higher.
        var plainMedian = Statistics.Percentile(plainRates, 50);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  plain-store triad (STREAM's loop without streaming stores, counted as STREAM counts): median {plainMedian / 1e9:0.00} GB/s; MBU against it: {stepMedian / plainMedian:0.00} median/median"));
        Console.WriteLine($"  verification: {(verification.Passed ? "passed" : "FAILED")}: {verification.Detail}");
    }
}
