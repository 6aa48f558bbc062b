using System.Diagnostics;
using System.Numerics.Tensors;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The STREAM triad, <c>a[i] = b[i] + s·c[i]</c>, over all cores: the sustainable memory bandwidth that memory-bound
/// work (LLM decode) can hope for on this machine. Counts 12 bytes per fp32 element (two reads, one write).
/// </summary>
public static class StreamTriad
{
    /// <summary>Runs the triad on arrays of <paramref name="elements"/> floats and returns the best bytes/s.</summary>
    public static double Measure(int elements, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var a = GC.AllocateUninitializedArray<float>(elements);
        var b = new float[elements];
        var c = new float[elements];
        b.AsSpan().Fill(1f);
        c.AsSpan().Fill(2f);
        var chunks = Math.Max(1, Environment.ProcessorCount * 4);
        var chunk = (elements + chunks - 1) / chunks;
        var best = double.MaxValue;
        for (var r = 0; r <= repetitions; r++)
        {
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, chunks, i =>
            {
                var from = i * chunk;
                var count = Math.Min(chunk, elements - from);
                if (count > 0)
                {
                    TensorPrimitives.MultiplyAdd(c.AsSpan(from, count), 3f, b.AsSpan(from, count), a.AsSpan(from, count));
                }
            });
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r > 0)
            {
                best = Math.Min(best, seconds);
            }
        }

        return 12.0 * elements / best;
    }
}
