using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Bench.IlgpuVsCuda;

/// <summary>Times variants in turns with device timers and prints each one's best time, GFLOP/s and ratio to the first.</summary>
internal static class Comparison
{
    private const int CallsPerSample = 5;

    public static void Run(string title, double flops, int rounds, IReadOnlyList<Variant> variants, long elements, int buffers)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        var allocated = variants.Select(v => Allocate(v.Device, elements, buffers)).ToArray();
        var samples = variants.Select(_ => new List<double>()).ToArray();
        try
        {
            for (var i = 0; i < variants.Count; i++)
            {
                // Warm-up: compiles kernels and loads cuBLAS before anything is timed.
                Time(variants[i], allocated[i], 1);
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < variants.Count; i++)
                {
                    samples[i].Add(Time(variants[i], allocated[i], CallsPerSample));
                }
            }
        }
        finally
        {
            foreach (var set in allocated)
            {
                foreach (var buffer in set)
                {
                    buffer.Dispose();
                }
            }
        }

        var reference = samples[0].Min();
        for (var i = 0; i < variants.Count; i++)
        {
            var best = samples[i].Min();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {variants[i].Label,-42} best {best * 1e3,9:0.000} ms  median {Median(samples[i]) * 1e3,9:0.000} ms  {flops / best / 1e9,9:0.0} GFLOP/s  {reference / best,6:0.00}x of {variants[0].Label}"));
        }
    }

    private static IDeviceBuffer[] Allocate(IDevice device, long elements, int count)
    {
        var buffers = Enumerable.Range(0, count).Select(_ => device.Allocate(elements)).ToArray();
        var random = new Random(1);
        var host = new float[elements];
        foreach (var buffer in buffers)
        {
            for (var i = 0; i < host.Length; i++)
            {
                host[i] = (float)(random.NextDouble() - 0.5);
            }

            device.Write<float>(buffer, host);
        }

        return buffers;
    }

    /// <summary>Seconds per call, from the device's own timer over <paramref name="calls"/> back-to-back calls.</summary>
    private static double Time(Variant variant, IDeviceBuffer[] buffers, int calls)
    {
        using var timer = variant.Device.CreateTimer();
        timer.Start();
        for (var i = 0; i < calls; i++)
        {
            variant.Call(buffers);
        }

        timer.Stop();
        return timer.ElapsedSeconds / calls;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
