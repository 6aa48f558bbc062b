using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Rows of x quantized once per call for the integer dot products of <see cref="QuantizedDot"/> and
/// <see cref="KQuantDot"/>, as llama.cpp does for decode: each block of 32 values gets the scale d = max|x|/127 and
/// q = round(x/d) in [−127, 127] (a block of zeros gets d = 0, q = 0). So every x is d·q within d/2 (plus the rounding
/// of 1/d), the error the tests bound. Each block also keeps d·Σq over its 32 values and over each half of 16: the
/// k-quants' offsets (Q4_K's mins, Q6_K's −32) multiply these sums rather than every value.
/// </summary>
internal sealed unsafe class Int8Activations : IDisposable
{
    /// <summary>Values per block, the Q8_0 and Q4_0 block length.</summary>
    public const int Block = 32;

    // Rows one task quantizes when the rows are split between threads.
    private const int RowsPerTask = 16;

    private void* _memory;

    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="inputs"/> values (a multiple of <see cref="Block"/>).</summary>
    public Int8Activations(float* x, int rows, int inputs)
        : this(x, rows, inputs, null)
    {
    }

    /// <summary>
    /// Quantizes as the other constructor does, the rows split between <paramref name="parallel"/>'s threads: a prefill
    /// of hundreds of rows would otherwise quantize on one core while the others wait.
    /// </summary>
    public Int8Activations(float* x, int rows, int inputs, ParallelOptions? parallel)
    {
        Inputs = inputs;
        Blocks = inputs / Block;
        var values = (long)rows * inputs;
        var blocks = (long)rows * Blocks;
        _memory = NativeMemory.AlignedAlloc((nuint)(values + (4 * blocks * sizeof(float)) + (blocks * sizeof(int))), 64);
        Values = (sbyte*)_memory;
        Scales = (float*)(Values + values);
        Sums = Scales + blocks;
        HalfSums = Sums + blocks;
        IntSums = (int*)(HalfSums + (2 * blocks));
        if (parallel is null || rows < 2 * RowsPerTask)
        {
            QuantizeBlocks(x, 0, blocks);
            return;
        }

        var source = (nint)x;
        TeamFor.Run(parallel, (rows + RowsPerTask - 1) / RowsPerTask, task =>
        {
            var first = (long)task * RowsPerTask * Blocks;
            QuantizeBlocks((float*)source, first, Math.Min(blocks, first + (RowsPerTask * Blocks)));
        });
    }

    /// <summary>Values per row.</summary>
    public int Inputs { get; }

    /// <summary>Blocks per row.</summary>
    public int Blocks { get; }

    /// <summary>The rows' int8 values, row after row.</summary>
    public sbyte* Values { get; }

    /// <summary>Each block's scale d, row after row.</summary>
    public float* Scales { get; }

    /// <summary>Each block's d·Σq over its 32 values, row after row.</summary>
    public float* Sums { get; }

    /// <summary>Each block's d·Σq over its first 16 values and over its last 16, row after row (two per block).</summary>
    public float* HalfSums { get; }

    /// <summary>Each block's Σq, row after row: Q4_0's offset of 8 enters its integer dot product through it.</summary>
    public int* IntSums { get; }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_memory);
        _memory = null;
    }

    // Optimized from the first call: a prefill quantizes once per weight, too few calls for tiered compilation to reach its loop soon.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void QuantizeBlocks(float* x, long first, long end)
    {
        for (var b = first; b < end; b++)
        {
            Scales[b] = QuantizeBlock(x + (b * Block), Values + (b * Block), out var low, out var high);
            IntSums[b] = low + high;
            Sums[b] = Scales[b] * (low + high);
            HalfSums[2 * b] = Scales[b] * low;
            HalfSums[(2 * b) + 1] = Scales[b] * high;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float QuantizeBlock(float* x, sbyte* q, out int first, out int second)
    {
        var amax = MathF.Abs(TensorPrimitives.MaxMagnitude(new ReadOnlySpan<float>(x, Block)));
        var d = amax / 127f;
        var inverse = d == 0 ? 0f : 1f / d;
        // Vector256 is emulated where the hardware lacks it, so every dot-product path sees the same quantized x.
        var scale = Vector256.Create(inverse);
        var q0 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x) * scale));
        var q1 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + 8) * scale));
        var q2 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + 16) * scale));
        var q3 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + 24) * scale));
        Vector256.Narrow(Vector256.Narrow(q0, q1), Vector256.Narrow(q2, q3)).Store(q);
        first = Vector256.Sum(q0 + q1);
        second = Vector256.Sum(q2 + q3);
        return d;
    }
}
