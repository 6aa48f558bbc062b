using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The STREAM triad, <c>a[i] = b[i] + s·c[i]</c>, over all cores: the sustainable memory bandwidth that memory-bound
/// work (LLM decode) can hope for on this machine. Counts 12 bytes per fp32 element (two reads, one write).
/// The arrays are native memory, freed on return, so a start-up probe of hundreds of MiB does not linger in the GC
/// heap and inflate the agent's resident memory for the rest of its life.
/// </summary>
public static class StreamTriad
{
    /// <summary>Runs the triad on arrays of <paramref name="elements"/> floats and returns the best bytes/s.</summary>
    public static unsafe double Measure(int elements, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var bytes = (nuint)elements * sizeof(float);
        var a = (nint)NativeMemory.AlignedAlloc(bytes, 64);
        var b = (nint)NativeMemory.AlignedAlloc(bytes, 64);
        var c = (nint)NativeMemory.AlignedAlloc(bytes, 64);
        try
        {
            new Span<float>((void*)a, elements).Clear();
            new Span<float>((void*)b, elements).Fill(1f);
            new Span<float>((void*)c, elements).Fill(2f);
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
                        TensorPrimitives.MultiplyAdd(
                            new ReadOnlySpan<float>((float*)c + from, count),
                            3f,
                            new ReadOnlySpan<float>((float*)b + from, count),
                            new Span<float>((float*)a + from, count));
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
        finally
        {
            NativeMemory.AlignedFree((void*)a);
            NativeMemory.AlignedFree((void*)b);
            NativeMemory.AlignedFree((void*)c);
        }
    }
}
