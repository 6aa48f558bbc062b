using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// Decode's attention (one query token per sequence against the KV cache) on the CPU device, at the shape of the
/// llama-bench model and Llama-3.2-1B (32 query heads sharing 8 key/value heads, head size 64) for several context
/// lengths: microseconds per call and the GB/s of keys and values it reads, against a STREAM triad taking turns with
/// it. One cache per layer of the model (12), called one after the other as a decode step does, so each call reads
/// its cache from wherever the previous layers left the caches, not from L1.
/// </summary>
internal static class DecodeAttentionBenchmark
{
    public static void Run(CpuDeviceProvider provider, BenchOptions options)
    {
        var contexts = options.Get("contexts", "128,512,2048").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        int heads = options.GetInt32("heads", 32), keyHeads = options.GetInt32("kv_heads", 8), headDim = options.GetInt32("head_dim", 64);
        int layers = options.GetInt32("layers", 12), rounds = options.GetInt32("rounds", 15);
        var withTriad = options.GetInt32("triad", 1) != 0;
        using var device = (CpuDevice)provider.Open(0);
        device.Threads = options.GetInt32("threads", device.Threads);
        using var triad = new StreamTriad(32 << 20);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decode attention: {heads} heads over {keyHeads} KV heads of {headDim}, {layers} layers' caches in turn, {device.Threads} thread(s), medians of {rounds} rounds"));
        foreach (var context in contexts)
        {
            var capacity = context + 64;
            var cacheValues = (long)keyHeads * capacity * headDim;
            var random = new Random(context);
            using var q = device.Allocate(heads * headDim);
            using var o = device.Allocate(heads * headDim);
            device.Write<float>(q, [.. Enumerable.Range(0, heads * headDim).Select(_ => (float)random.NextDouble() - 0.5f)]);
            var caches = new List<(IDeviceBuffer K, IDeviceBuffer V)>();
            try
            {
                var fill = Enumerable.Range(0, (int)cacheValues).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                for (var l = 0; l < layers; l++)
                {
                    var k = device.Allocate(cacheValues);
                    var v = device.Allocate(cacheValues);
                    caches.Add((k, v));
                    device.Write<float>(k, fill);
                    device.Write<float>(v, fill);
                }

                var attention = new AttentionDescriptor
                {
                    Batch = 1, Heads = heads, KeyHeads = keyHeads, QueryLength = 1, KeyLength = context, KeyCapacity = capacity, HeadDim = headDim, Causal = true,
                };
                var perCall = new List<double>();
                var triadRates = new List<double>();
                for (var round = -2; round < rounds; round++)
                {
                    var rate = withTriad ? triad.Pass() : double.NaN;
                    var start = Stopwatch.GetTimestamp();
                    foreach (var (k, v) in caches)
                    {
                        device.Ops.Attention(attention, q, k, v, o);
                    }

                    var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / layers;
                    if (round >= 0)
                    {
                        perCall.Add(seconds);
                        triadRates.Add(rate);
                    }
                }

                var time = Statistics.Percentile(perCall, 50);
                var bytes = 2.0 * keyHeads * context * headDim * sizeof(float);
                var triadRate = Statistics.Percentile(triadRates, 50);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  context {context,6}: {time * 1e6,8:0.0} us per call, K+V {bytes / time / 1e9,6:0.0} GB/s, {4.0 * heads * context * headDim / time / 1e9,6:0.0} GFLOP/s  triad {triadRate / 1e9,5:0.0} GB/s  ratio {bytes / time / triadRate:0.00}"));
            }
            finally
            {
                foreach (var (k, v) in caches)
                {
                    k.Dispose();
                    v.Dispose();
                }
            }
        }
    }
}
