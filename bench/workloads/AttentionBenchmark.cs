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
        var repetitions = options.GetInt32("repetitions", 9);
        string[] variants = ["naive", "fused"];
        var devices = new Dictionary<string, CpuDevice>();
        var prepared = new Dictionary<string, IPreparedWorkload>();
        var times = variants.ToDictionary(v => v, _ => new List<double>());
        var context = new IterationContext(CancellationToken.None, [], isWarmup: false);
        try
        {
            foreach (var variant in variants)
            {
                var parameters = Parameters(workload, options, causal, variant);
                devices[variant] = (CpuDevice)provider.Open(0);
                prepared[variant] = workload.Prepare(devices[variant], parameters);
                prepared[variant].Run(context);
            }

            // The variants take turns, so a neighbour's burst of load on this shared VM lands on both alike and the
            // ratio of the medians compares like with like.
            for (var i = 0; i < repetitions; i++)
            {
                foreach (var variant in variants)
                {
                    var start = Stopwatch.GetTimestamp();
                    prepared[variant].Run(context);
                    devices[variant].Synchronize();
                    times[variant].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
            }

            var fused = prepared["fused"];
            Console.WriteLine($"attention: {fused.Shape.Replace(" fused", "", StringComparison.Ordinal)}, median of {repetitions}, the variants alternating");
            foreach (var variant in variants)
            {
                var run = prepared[variant];
                var seconds = Statistics.Percentile(times[variant], 50);
                var verification = run.Verify();
                var estimate = workload.EstimateMemoryBytes(Parameters(workload, options, causal, variant));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {variant,-5} ({run.Implementation}): {seconds * 1e3:0.0} ms (min {times[variant].Min() * 1e3:0.0}, max {times[variant].Max() * 1e3:0.0}), {run.Cost.Flops / seconds / 1e9:0.0} GFLOP/s, device memory {devices[variant].AllocatedBytes / (double)(1 << 20):0.0} MiB (estimate {estimate / (double)(1 << 20):0.0} MiB); verification {(verification.Passed ? "passed" : "FAILED")}: {verification.Detail}"));
            }

            var speedup = Statistics.Percentile(times["naive"], 50) / Statistics.Percentile(times["fused"], 50);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  fused speed-up over naive {speedup:0.00}x (target >= 3); memory {devices["naive"].AllocatedBytes / (double)devices["fused"].AllocatedBytes:0.0}x less"));
        }
        finally
        {
            foreach (var run in prepared.Values)
            {
                run.Dispose();
            }

            foreach (var device in devices.Values)
            {
                device.Dispose();
            }
        }
    }

    private static ParameterSet Parameters(AttentionWorkload workload, BenchOptions options, string causal, string variant) =>
        ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string>
        {
            ["batch"] = options.Get("batch", "1"),
            ["heads"] = options.Get("heads", "8"),
            ["seq"] = options.Get("seq", "2048"),
            ["head_dim"] = options.Get("head_dim", "64"),
            ["causal"] = causal,
            ["variant"] = variant,
        });
}
