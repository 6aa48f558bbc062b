using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// Decode's weight GEMVs (one row of x, <see cref="ITensorOps.LinearWeights"/>) on the CPU device for each weight type
/// and for Llama-3.2-1B's shapes (attention, FFN up and down, the LM head), in GB/s of weights read, against a STREAM
/// triad taking turns with them. Each shape has enough copies to exceed the last-level cache several times, read one
/// after the other like a model's layers, so the figure is DRAM streaming, not cache. A last line per type reads one
/// matrix of about <c>cache=</c> KiB per thread (2048: inside a core's L2 or the L3 beside it) over and over: the
/// kernel's own ceiling, what it reaches when DRAM is not what bounds it. Where that ceiling is below the triad, no memory-side change can lift MBU: only fewer
/// instructions per weight can.
/// </summary>
internal static class GemvBenchmark
{
    private static readonly (string Name, int Outputs, int Inputs)[] Shapes =
    [
        ("attn 2048x2048", 2048, 2048),
        ("attn_kv 512x2048", 512, 2048),
        ("ffn_up 8192x2048", 8192, 2048),
        ("ffn_down 2048x8192", 2048, 8192),
        ("lm_head 32000x2048", 32000, 2048),
    ];

    public static void Run(CpuDeviceProvider provider, BenchOptions options)
    {
        var types = options.Get("types", "fp32,fp16,bf16,q8_0,q4_0,q4_k,q6_k").Split(',').Select(DataTypeExtensions.ParseShortName).ToArray();
        var rounds = options.GetInt32("rounds", 9);
        // Weights uniform in ±scale; the default has σ = 0.02, Llama's initialization: weights that small make some fp16
        // values subnormal, which is what exposed a slow path for denormal operands (FloatDot, WeightDecoder).
        var scale = float.Parse(options.Get("scale", "0.035"), CultureInfo.InvariantCulture);
        using var device = (CpuDevice)provider.Open(0);
        device.Threads = options.GetInt32("threads", device.Threads);
        using var triad = new StreamTriad(64 << 20);
        // span=MiB overrides the bytes each shape's copies add up to.
        var span = options.GetInt32("span", 0) is > 0 and var mib ? (long)mib << 20 : Math.Max(4L * CacheSize.LastLevelBytes(), 256L << 20);
        var cacheBytes = (long)options.GetInt32("cache", 2048) << 10;
        if (cacheBytes <= 0)
        {
            throw new ArgumentException("cache= is the in-cache matrix's KiB per thread and must be positive; e.g. cache=2048");
        }

        Console.WriteLine($"gemv: batch 1, {device.Threads} thread(s), medians of {rounds} rounds, each round every copy once; triad passes take turns");
        var triads = new List<double>();
        foreach (var type in types)
        {
            foreach (var (name, outputs, inputs) in Shapes)
            {
                var (gemv, triadRate) = Measure(device, triad, type, outputs, inputs, span, rounds, scale);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {type.ShortName(),-5} {name,-20} {gemv / 1e9,6:0.0} GB/s  triad {triadRate / 1e9,5:0.0} GB/s  ratio {gemv / triadRate:0.00}"));
                triads.Add(triadRate);
            }

            var (rows, rate) = InCache(device, type, cacheBytes, rounds, scale);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {type.ShortName(),-5} {$"in cache {rows}x{CacheInputs}",-20} {rate / 1e9,6:0.0} GB/s  the kernel's ceiling: {rate / Statistics.Percentile(triads, 50):0.00} of the median triad above"));
            triads.Clear();
        }
    }

    // The in-cache matrix has Llama-3.2-1B's width; smaller matrices than the default measure each call's fixed costs
    // (quantizing x, splitting rows) more than the kernel.
    private const int CacheInputs = 2048;

    /// <summary>The median rate of GEMVs over one cache-resident matrix, each round about 20 ms of calls back to back.</summary>
    private static (int Rows, double Rate) InCache(CpuDevice device, DataType type, long bytesPerThread, int rounds, float scale)
    {
        var rowBytes = type.StorageBytes(CacheInputs);
        var rows = (int)Math.Max(8, bytesPerThread * device.Threads / rowBytes / 8 * 8);
        var sample = QuantizedBlocks.Quantize(type, Random(rows * CacheInputs, 3, scale));
        using var x = device.Allocate(CacheInputs);
        using var y = device.Allocate(rows);
        using var w = device.Allocate(sample.Length / type.SizeInBytes(), type);
        device.Write<float>(x, Random(CacheInputs, 2));
        Write(device, w, type, sample);
        // Calibrate the calls per round on a first timed batch, which also warms the kernel and the caches.
        var calls = 64;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            device.Ops.LinearWeights(x, w, y, 1, rows, CacheInputs, 0f);
        }

        calls = (int)Math.Clamp(calls * 0.02 / Stopwatch.GetElapsedTime(start).TotalSeconds, 64, 1 << 20);
        var rates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            start = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                device.Ops.LinearWeights(x, w, y, 1, rows, CacheInputs, 0f);
            }

            rates.Add((double)rowBytes * rows * calls / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return (rows, Statistics.Percentile(rates, 50));
    }

    private static (double Gemv, double Triad) Measure(CpuDevice device, StreamTriad triad, DataType type, int outputs, int inputs, long span, int rounds, float scale)
    {
        // 64 quantized rows repeated: quantizing a whole LM head with the k-quant reference takes seconds.
        var sample = QuantizedBlocks.Quantize(type, Random(64 * inputs, 1, scale));
        var bytes = type.StorageBytes((long)outputs * inputs);
        var stored = new byte[bytes];
        for (long offset = 0; offset < bytes; offset += sample.Length)
        {
            sample.AsSpan(0, (int)Math.Min(sample.Length, bytes - offset)).CopyTo(stored.AsSpan((int)offset));
        }

        var copies = (int)Math.Max(1, span / bytes);
        var weights = new List<IDeviceBuffer>();
        using var x = device.Allocate(inputs);
        using var y = device.Allocate(outputs);
        device.Write<float>(x, Random(inputs, 2));
        try
        {
            for (var c = 0; c < copies; c++)
            {
                var buffer = device.Allocate(stored.Length / type.SizeInBytes(), type);
                weights.Add(buffer);
                Write(device, buffer, type, stored);
            }

            var gemvRates = new List<double>();
            var triadRates = new List<double>();
            foreach (var w in weights)
            {
                device.Ops.LinearWeights(x, w, y, 1, outputs, inputs, 0f);
            }

            for (var round = 0; round < rounds; round++)
            {
                triadRates.Add(triad.Pass());
                var start = Stopwatch.GetTimestamp();
                foreach (var w in weights)
                {
                    device.Ops.LinearWeights(x, w, y, 1, outputs, inputs, 0f);
                }

                gemvRates.Add(bytes * (double)copies / Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            return (Statistics.Percentile(gemvRates, 50), Statistics.Percentile(triadRates, 50));
        }
        finally
        {
            foreach (var w in weights)
            {
                w.Dispose();
            }
        }
    }

    private static void Write(CpuDevice device, IDeviceBuffer buffer, DataType type, byte[] stored)
    {
        switch (type.SizeInBytes())
        {
            case 4:
                device.Write<float>(buffer, MemoryMarshal.Cast<byte, float>(stored));
                break;
            case 2:
                device.Write<ushort>(buffer, MemoryMarshal.Cast<byte, ushort>(stored));
                break;
            default:
                device.Write<byte>(buffer, stored);
                break;
        }
    }

    private static float[] Random(int count, int seed, float scale = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => scale * (float)((random.NextDouble() * 2) - 1))];
    }
}
