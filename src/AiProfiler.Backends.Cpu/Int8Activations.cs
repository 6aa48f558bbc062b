using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Rows of x quantized once per call for the integer dot products of <see cref="QuantizedDot"/> and
/// <see cref="KQuantDot"/>, as llama.cpp does for decode: each block of 32 values gets the scale d = max|x|/127 and
/// q = round(x/d) in [−127, 127] (a block of zeros gets d = 0, q = 0). So every x is d·q within d/2 (plus the rounding
/// of 1/d), the error the tests bound. Each block also keeps d·Σq over its 32 values and over each half of 16: the
/// k-quants' offsets (Q4_K's mins, Q6_K's −32) multiply these sums rather than every value.
/// For the k-quants x is quantized per 256 instead (<see cref="SuperBlock"/>, as llama.cpp's Q8_K): the eight blocks
/// of a super-block share d = max|x|/127 over its 256 values, so a super-block's integer sums, each already times its
/// sub-block's scale, add up in int32 and meet d_x once (one conversion and one multiply per 256 weights and row
/// instead of eight of each). The layout stays per block of 32 (each block's d is its super-block's), so every path
/// reads it alike; x then moves by up to half of its super-block's step rather than its block's.
/// </summary>
internal sealed unsafe class Int8Activations : IDisposable
{
    /// <summary>Values per block, the Q8_0 and Q4_0 block length.</summary>
    public const int Block = 32;

    /// <summary>Values sharing one scale when x meets Q4_K or Q6_K weights: a k-quant super-block.</summary>
    public const int SuperBlock = 256;

    // Rows one task quantizes when the rows are split between threads.
    private const int RowsPerTask = 16;

    private void* _memory;

    private readonly int _rows;

    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="inputs"/> values (a multiple of <see cref="Block"/>).</summary>
    public Int8Activations(float* x, int rows, int inputs, int group = Block)
        : this(x, rows, inputs, null, group)
    {
    }

    /// <summary>
    /// Quantizes as the other constructor does, the rows split between <paramref name="parallel"/>'s threads: a prefill
    /// of hundreds of rows would otherwise quantize on one core while the others wait. <paramref name="group"/> is how
    /// many values share a scale: <see cref="Block"/> or <see cref="SuperBlock"/> (then a multiple of it per row).
    /// </summary>
    public Int8Activations(float* x, int rows, int inputs, ParallelOptions? parallel, int group = Block)
    {
        if (group is not (Block or SuperBlock) || inputs % group != 0)
        {
            throw new ArgumentException($"x's values per scale must be {Block} or {SuperBlock} and divide the row length {inputs}; got {group}", nameof(group));
        }

        Group = group;
        Inputs = inputs;
        Blocks = inputs / Block;
        _rows = rows;
        var values = (long)rows * inputs;
        var blocks = (long)rows * Blocks;
        _memory = NativeMemory.AlignedAlloc((nuint)(values + (4 * blocks * sizeof(float)) + (blocks * sizeof(int)) + (2 * blocks * sizeof(short))), 64);
        Values = (sbyte*)_memory;
        Scales = (float*)(Values + values);
        Sums = Scales + blocks;
        HalfSums = Sums + blocks;
        IntSums = (int*)(HalfSums + (2 * blocks));
        HalfIntSums = (short*)(IntSums + blocks);
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

    /// <summary>Values sharing one scale: <see cref="Block"/> or <see cref="SuperBlock"/>.</summary>
    public int Group { get; }

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

    /// <summary>Each block's Σq over its first 16 values and over its last 16 (at most 16·127 each), row after row: Q6_K's offset of 32.</summary>
    public short* HalfIntSums { get; }

    /// <summary>
    /// Whether some block's d is 2¹⁶ or more (a value above 8.3 million in magnitude), or infinite: kernels that carry
    /// d·2¹¹² (Q4_0's 512-bit GEMV) take their exact path then.
    /// </summary>
    public bool HasLargeScales => Volatile.Read(ref _largeScales) != 0;

    // Set, never cleared, by whichever quantizing task finds such a scale.
    private int _largeScales;

    /// <summary>
    /// x's side of the 512-bit Q4_0 GEMV (<see cref="QuantizedDot"/>), after <see cref="PrepareQ4Steps"/>: per step of
    /// four blocks, 256 bytes: the blocks' first 16 values each (64 bytes, one block per 128-bit lane), their last 16
    /// (64), d·2¹¹² of blocks 0–3 repeated four times (16 floats, one per row of the four the kernel reads together)
    /// and −8·Σq of blocks 0–3 repeated the same way (16 floats, exact). Null before, for more than one row, on CPUs
    /// without AVX-512BW, and when <see cref="HasLargeScales"/> (the kernel's exact path needs none of it).
    /// </summary>
    public byte* Steps { get; private set; }

    private void* _steps;

    /// <summary>
    /// Builds <see cref="Steps"/> where it applies (one row, AVX-512BW, at least four blocks, no large scale): once per
    /// call, before the cores split W's rows, so that the four rows of every step load it instead of rearranging x
    /// (two 128-bit shuffles, two broadcasts, two permutes and two multiplies per step; 7 % more GB/s on one core).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PrepareQ4Steps()
    {
        if (Steps != null || _rows != 1 || !Avx512BW.IsSupported || Blocks < 4 || HasLargeScales)
        {
            return;
        }

        var steps = Blocks / 4;
        _steps = NativeMemory.AlignedAlloc((nuint)(steps * 256), 64);
        var target = (byte*)_steps;
        for (var s = 0; s < steps; s++, target += 256)
        {
            var b = s * 4;
            var x0 = Vector512.Load(Values + (b * 32)).AsUInt64();
            var x1 = Vector512.Load(Values + (b * 32) + 64).AsUInt64();
            Avx512F.Shuffle4x128(x0, x1, 0b10_00_10_00).Store((ulong*)target);
            Avx512F.Shuffle4x128(x0, x1, 0b11_01_11_01).Store((ulong*)(target + 64));
            // d·2¹¹² of the four blocks, repeated for four rows; −8·Σq of the four blocks (exact in fp32), repeated.
            (Avx512F.BroadcastVector128ToVector512(Scales + b) * Vector512.Create(0x77800000u).AsSingle()).Store((float*)(target + 128));
            Vector512.ConvertToSingle(Avx512F.BroadcastVector128ToVector512(IntSums + b) * Vector512.Create(-8)).Store((float*)(target + 192));
        }

        Steps = target - (steps * 256);
    }

    /// <summary>
    /// x's side of the 256-bit Q4_0 GEMV at batch 1 (<see cref="QuantizedDot"/>), after <see cref="PreparePairs"/>: per
    /// pair of blocks, 128 bytes: the two blocks' first 16 values (one block per 128-bit lane), their last 16, d_x of
    /// each repeated over its lane's four floats, and −8·Σq of each in its lane's first int32 (the others 0). Null
    /// before, for more than one row, without AVX2, and for rows of one block.
    /// </summary>
    public byte* Pairs { get; private set; }

    private void* _pairs;

    /// <summary>
    /// Builds <see cref="Pairs"/> where it applies (one row, AVX2, at least two blocks): once per call, before the
    /// cores split W's rows, so that the four rows of a step share one rearranged copy of x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PreparePairs()
    {
        if (Pairs != null || _rows != 1 || !Avx2.IsSupported || Blocks < 2)
        {
            return;
        }

        var pairs = Blocks / 2;
        _pairs = NativeMemory.AlignedAlloc((nuint)(pairs * 128), 64);
        var target = (byte*)_pairs;
        for (var p = 0; p < pairs; p++, target += 128)
        {
            var b = p * 2;
            var x0 = Vector256.Load(Values + (b * 32)).AsUInt64();
            var x1 = Vector256.Load(Values + (b * 32) + 32).AsUInt64();
            Avx2.Permute2x128(x0, x1, 0x20).Store((ulong*)target);
            Avx2.Permute2x128(x0, x1, 0x31).Store((ulong*)(target + 32));
            Vector256.Create(Vector128.Create(Scales[b]), Vector128.Create(Scales[b + 1])).Store((float*)(target + 64));
            Vector256.Create(-8 * IntSums[b], 0, 0, 0, -8 * IntSums[b + 1], 0, 0, 0).Store((int*)(target + 96));
        }

        Pairs = target - (pairs * 128);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_memory);
        _memory = null;
        NativeMemory.AlignedFree(_steps);
        _steps = null;
        NativeMemory.AlignedFree(_pairs);
        _pairs = null;
    }

    // Optimized from the first call: a prefill quantizes once per weight, too few calls for tiered compilation to reach its loop soon.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void QuantizeBlocks(float* x, long first, long end)
    {
        // Eight blocks at a time: their max|x| first, then d = max/127 and 1/d for the eight in one division each. One
        // block after another, each block's two divisions sat on its path from the loads to the stores (~85 cycles a
        // block on a Zen 5: 1.5 µs of a 2048-wide GEMV that streams its 8 rows in 0.3).
        var amax = stackalloc float[Eight];
        var scales = stackalloc float[Eight];
        var inverses = stackalloc float[Eight];
        for (var b = first; b < end; b += Eight)
        {
            var count = (int)Math.Min(Eight, end - b);
            for (var j = 0; j < Eight; j++)
            {
                amax[j] = j < count ? MaxMagnitude(x + ((b + j) * Block)) : 0f;
            }

            var m = Vector256.Load(amax);
            if (Group == SuperBlock)
            {
                // The eight blocks are one super-block (rows hold whole super-blocks): each takes the max of all eight.
                m = Vector256.Max(m, Vector256.Create(m.GetUpper(), m.GetLower()));
                m = Vector256.Max(m, Vector256.Shuffle(m, Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5)));
                m = Vector256.Max(m, Vector256.Shuffle(m, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)));
            }

            var d = m / Vector256.Create(127f);
            Vector256.ConditionalSelect(Vector256.Equals(d, Vector256<float>.Zero), Vector256<float>.Zero, Vector256<float>.One / d).Store(inverses);
            d.Store(scales);
            if (Vector256.GreaterThanOrEqualAny(d, Vector256.Create(LargeScale)))
            {
                Volatile.Write(ref _largeScales, 1);
            }

            for (var j = 0; j < count; j++)
            {
                var block = b + j;
                var scale = scales[j];
                Quantize(x + (block * Block), Values + (block * Block), inverses[j], out var low, out var high);
                Scales[block] = scale;
                IntSums[block] = low + high;
                HalfIntSums[2 * block] = (short)low;
                HalfIntSums[(2 * block) + 1] = (short)high;
                Sums[block] = scale * (low + high);
                HalfSums[2 * block] = scale * low;
                HalfSums[(2 * block) + 1] = scale * high;
            }
        }
    }

    // The d from which HasLargeScales is set: 2¹⁶, so that d·2¹¹² stays below fp32's largest finite value.
    private const float LargeScale = 65536f;

    // Blocks whose scales are computed together: one super-block's.
    private const int Eight = SuperBlock / Block;

    /// <summary>max|x| over a block, in registers: TensorPrimitives.MaxMagnitude on 32 values cost ~70 ns a block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MaxMagnitude(float* x)
    {
        // Vector256 is emulated where the hardware lacks it, so every dot-product path sees the same quantized x. Max is
        // IEEE 754's maximum: a NaN in x makes d NaN, as it did through TensorPrimitives.
        var m = Vector256.Max(
            Vector256.Max(Vector256.Abs(Vector256.Load(x)), Vector256.Abs(Vector256.Load(x + 8))),
            Vector256.Max(Vector256.Abs(Vector256.Load(x + 16)), Vector256.Abs(Vector256.Load(x + 24))));
        var h = Vector128.Max(m.GetLower(), m.GetUpper());
        h = Vector128.Max(h, Vector128.Shuffle(h, Vector128.Create(2, 3, 0, 1)));
        return Vector128.Max(h, Vector128.Shuffle(h, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    /// <summary>q = round(x·(1/d)) for a block (1/d = 0 where d = 0), and Σq over each half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quantize(float* x, sbyte* q, float inverse, out int first, out int second)
    {
        var scale = Vector256.Create(inverse);
        var q0 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x) * scale));
        var q1 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + 8) * scale));
        var q2 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + 16) * scale));
        var q3 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + 24) * scale));
        Vector256.Narrow(Vector256.Narrow(q0, q1), Vector256.Narrow(q2, q3)).Store(q);
        first = Vector256.Sum(q0 + q1);
        second = Vector256.Sum(q2 + q3);
    }
}
