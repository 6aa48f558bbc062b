using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The STREAM triad, <c>a[i] = b[i] + s·c[i]</c>, over all cores: the sustainable memory bandwidth that memory-bound
/// work (LLM decode) can hope for on this machine. Counts 12 bytes per fp32 element (two reads, one write).
/// The arrays are native memory, freed on disposal, so a start-up probe of hundreds of MiB does not linger in the GC
/// heap and inflate the agent's resident memory for the rest of its life. An instance keeps its arrays so that passes
/// can alternate with other work (a benchmark comparing against the triad takes turns with it).
/// </summary>
public sealed unsafe class StreamTriad : IDisposable
{
    private readonly int _elements;
    private readonly int _chunk;
    private readonly int _chunks;
    private nint _a;
    private nint _b;
    private nint _c;

    /// <summary>Allocates and fills three arrays of <paramref name="elements"/> floats.</summary>
    public StreamTriad(int elements)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1024);
        _elements = elements;
        var bytes = (nuint)elements * sizeof(float);
        try
        {
            _a = (nint)NativeMemory.AlignedAlloc(bytes, 64);
            _b = (nint)NativeMemory.AlignedAlloc(bytes, 64);
            _c = (nint)NativeMemory.AlignedAlloc(bytes, 64);
        }
        catch
        {
            Dispose();
            throw;
        }

        new Span<float>((void*)_a, elements).Clear();
        new Span<float>((void*)_b, elements).Fill(1f);
        new Span<float>((void*)_c, elements).Fill(2f);
        _chunks = Math.Max(1, Environment.ProcessorCount * 4);
        _chunk = (elements + _chunks - 1) / _chunks;
    }

    /// <summary>Runs the triad on arrays of <paramref name="elements"/> floats and returns the best bytes/s.</summary>
    public static double Measure(int elements, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        using var triad = new StreamTriad(elements);
        triad.Pass();
        var best = 0.0;
        for (var r = 0; r < repetitions; r++)
        {
            best = Math.Max(best, triad.Pass());
        }

        return best;
    }

    /// <summary>Bytes one pass moves: two reads and one write of 4 bytes per element.</summary>
    public long BytesPerPass => 12L * _elements;

    /// <summary>One pass over the arrays; returns its bytes/s.</summary>
    public double Pass()
    {
        ObjectDisposedException.ThrowIf(_a == 0, this);
        var start = Stopwatch.GetTimestamp();
        Parallel.For(0, _chunks, i =>
        {
            var from = i * _chunk;
            var count = Math.Min(_chunk, _elements - from);
            if (count > 0)
            {
                TensorPrimitives.MultiplyAdd(
                    new ReadOnlySpan<float>((float*)_c + from, count),
                    3f,
                    new ReadOnlySpan<float>((float*)_b + from, count),
                    new Span<float>((float*)_a + from, count));
            }
        });
        return BytesPerPass / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// One pass of the same triad with ordinary stores, as STREAM's own loop compiles without streaming stores (gcc -O2),
    /// counted as STREAM counts (12 bytes per element, not the 4 a store's read-for-ownership adds): the figure a user's
    /// stream.c gives. <see cref="Pass"/> goes through TensorPrimitives, whose stores on arrays this large are
    /// non-temporal (no read for ownership), so it reports more on the same memory: on one Zen 5 core of this VM 31–33
    /// against 25–26 GB/s (2026-12-05). Returns its bytes/s.
    /// </summary>
    public double PlainPass()
    {
        ObjectDisposedException.ThrowIf(_a == 0, this);
        var start = Stopwatch.GetTimestamp();
        Parallel.For(0, _chunks, i =>
        {
            var from = (long)i * _chunk;
            var end = Math.Min(from + _chunk, _elements);
            float* a = (float*)_a, b = (float*)_b, c = (float*)_c;
            var scalar = Vector256.Create(3f);
            var k = from;
            for (; k + 8 <= end; k += 8)
            {
                Vector256.FusedMultiplyAdd(Vector256.Load(c + k), scalar, Vector256.Load(b + k)).Store(a + k);
            }

            for (; k < end; k++)
            {
                a[k] = MathF.FusedMultiplyAdd(c[k], 3f, b[k]);
            }
        });
        return BytesPerPass / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>a[i] after a pass (b[i] + 3·c[i] = 7), for tests.</summary>
    internal float Result(int i) => ((float*)_a)[i];

    public void Dispose()
    {
        foreach (var block in (nint[])[_a, _b, _c])
        {
            NativeMemory.AlignedFree((void*)block);
        }

        _a = _b = _c = 0;
    }
}
