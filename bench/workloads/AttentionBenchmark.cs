using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Backends.Cpu;
using AiProfiler.Workloads.Attention;

namespace AiProfiler.Bench.Workloads;

/// <summary>Fused against naive attention at the same shape: median time of each, the speed-up, and the memory each needs.</summary>
internal static class AttentionBenchmark
{
    public static void Run(CpuDeviceProvider provider, BenchOptions options)
    {
        foreach (var causal in options.Get("causal", "false,true").Split(','))
        {
            RunOne(provider, options, causal.Trim());
        }
    }

    private static void RunOne(CpuDeviceProvider provider, BenchOptions options, string causal)
    {
        var workload = new AttentionWorkload();
        var repetitions = options.GetInt32("repetitions", 5);
        var results = new Dictionary<string, (double Seconds, double Flops, long Bytes, long Allocated, VerificationResult Verification, string Shape, string Implementation)>();
        foreach (var variant in (string[])["naive", "fused"])
        {
            var parameters = ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string>
            {
                ["batch"] = options.Get("batch", "1"),
                ["heads"] = options.Get("heads", "8"),
                ["seq"] = options.Get("seq", "2048"),
                ["head_dim"] = options.Get("head_dim", "64"),
                ["causal"] = causal,
                ["variant"] = variant,
            });
            using var device = (CpuDevice)provider.Open(0);
            using var prepared = workload.Prepare(device, parameters);
            var context = new IterationContext(CancellationToken.None, [], isWarmup: false);
            prepared.Run(context);
            var times = new List<double>();
            for (var i = 0; i < repetitions; i++)
            {
                var start = Stopwatch.GetTimestamp();
                prepared.Run(context);
                device.Synchronize();
                times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            results[variant] = (Statistics.Percentile(times, 50), prepared.Cost.Flops, workload.EstimateMemoryBytes(parameters), device.AllocatedBytes, prepared.Verify(), prepared.Shape, prepared.Implementation);
        }

        Console.WriteLine($"attention: {results["fused"].Shape.Replace(" fused", "", StringComparison.Ordinal)}, median of {repetitions}");
        foreach (var (variant, r) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {variant,-5} ({r.Implementation}): {r.Seconds * 1e3:0.0} ms, {r.Flops / r.Seconds / 1e9:0.0} GFLOP/s, device memory {r.Allocated / (double)(1 << 20):0.0} MiB (estimate {r.Bytes / (double)(1 << 20):0.0} MiB); verification {(r.Verification.Passed ? "passed" : "FAILED")}: {r.Verification.Detail}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  fused speed-up over naive {results["naive"].Seconds / results["fused"].Seconds:0.00}x (target >= 3); memory {results["naive"].Allocated / (double)results["fused"].Allocated:0.0}x less"));
    }
}
