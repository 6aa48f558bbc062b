using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Backends.Cpu;
using AiProfiler.Workloads.Inference;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// Decode at batch 1 with a model larger than the last-level cache: the bytes each step must read (all weights and the
/// KV cache) per second of step time, as a fraction of a STREAM triad measured just before on arrays about four times
/// the cache (MBU against what this machine can actually stream).
/// </summary>
internal static class InferenceBenchmark
{
    public static void Run(CpuDeviceProvider provider, BenchOptions options)
    {
        var l3 = CacheSize.LastLevelBytes();
        var triadElements = (int)Math.Clamp(l3 == 0 ? 64L << 20 : l3, 32L << 20, 256L << 20);
        var triad = StreamTriad.Measure(triadElements, repetitions: 5);
        GC.Collect();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream triad: 3 arrays of {CacheSize.Describe(triadElements * 4L)}, best of 5: {triad / 1e9:0.00} GB/s (start-up probe in the device info: {provider.Discover().Devices[0].PeakBandwidthBytesPerSecond / 1e9:0.00} GB/s)"));

        var workload = new InferenceWorkload();
        var parameters = ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string>
        {
            ["preset"] = options.Get("preset", "medium"),
            ["batch"] = options.Get("batch", "1"),
            ["prompt"] = options.Get("prompt", "16"),
            ["gen"] = options.Get("gen", "17"),
        });
        var iterations = options.GetInt32("iterations", 2);
        using var device = provider.Open(0);
        var prepareStart = Stopwatch.GetTimestamp();
        using var prepared = workload.Prepare(device, parameters);
        var prepareSeconds = Stopwatch.GetElapsedTime(prepareStart).TotalSeconds;
        var measurements = new Dictionary<string, List<double>>();
        prepared.Run(new IterationContext(CancellationToken.None, [], isWarmup: true));
        for (var i = 0; i < iterations; i++)
        {
            prepared.Run(new IterationContext(CancellationToken.None, measurements, isWarmup: false));
        }

        var tpot = measurements["tpot_seconds"];
        var bytes = measurements["decode_bytes_per_second"].Zip(tpot, (rate, seconds) => rate * seconds).Sum();
        var decodeBandwidth = bytes / tpot.Sum();
        var stepBytes = bytes / tpot.Count;
        var verification = prepared.Verify();
        Console.WriteLine($"inference decode: {prepared.Shape}, {prepared.Implementation}, prepared in {prepareSeconds:0.0} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  bytes per decode step {stepBytes / 1e9:0.000} GB ({(l3 > 0 ? stepBytes / l3 : double.NaN):0.0}x L3); {tpot.Count} steps over {iterations} iterations"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  TTFT mean {measurements["ttft_seconds"].Average() * 1e3:0.0} ms; TPOT mean {tpot.Average() * 1e3:0.0} ms, p50 {Statistics.Percentile(tpot, 50) * 1e3:0.0} ms, p99 {Statistics.Percentile(tpot, 99) * 1e3:0.0} ms; {measurements["decode_tokens_per_second"].Average():0.00} tokens/s"));
        // The triad reports its best repetition, as STREAM does; the fastest decode step is the like-for-like figure.
        var bestStep = measurements["decode_bytes_per_second"].Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  decode bandwidth {decodeBandwidth / 1e9:0.00} GB/s over all steps, {bestStep / 1e9:0.00} GB/s in the fastest step"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  MBU against the triad: {decodeBandwidth / triad:0.00} over all steps, {bestStep / triad:0.00} in the fastest step (target >= 0.8)"));
        Console.WriteLine($"  verification: {(verification.Passed ? "passed" : "FAILED")}: {verification.Detail}");
    }
}
