using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Fused attention for prompt-sized query blocks on AVX-512, in the FlashAttention-2 structure but with its two tile
/// products done by one hand-written register-blocked kernel (6 rows × 64 columns, 24 accumulators) instead of a BLAS
/// call per tile: at K = head size (64) a BLAS call spends more time packing its operands than multiplying, which is
/// why the BLAS-based fused path ran barely faster than the naive one.
/// <list type="bullet">
/// <item>Keys are transposed once per call (Kᵀ, d × N per head, zero-padded to whole 64-column chunks), so both the
/// scores tile S = Q·Kᵀ and the update O += P·V stream contiguous rows of their right-hand operand.</item>
/// <item>Each task owns one (batch·head, block of <see cref="QueryBlock"/> queries) and keeps its queries, its
/// scores tile and its output accumulator in per-thread scratch (about 100 KiB, L2-resident); the N×N scores never
/// exist and memory is O(N): Kᵀ is the size of K.</item>
/// <item>The online softmax works in base 2: scores are scaled by <c>scale·log2(e)</c> and exponentiated with a
/// degree-6 polynomial and <c>vscalefps</c> (relative error about 1e-7), vectorized 16 columns at a time.</item>
/// </list>
/// Head sizes that are not a multiple of 64, and decode-sized query counts, take the BLAS-based path instead.
/// </summary>
internal static unsafe class Avx512Attention
{
    /// <summary>Queries per task: a multiple of the kernel's 6 rows.</summary>
    internal const int QueryBlock = 96;

    /// <summary>Keys per tile: a multiple of the kernel's 64 columns.</summary>
    internal const int KeyTile = 128;

    /// <summary>Below this many queries per head (decode) transposing all keys costs as much as the attention.</summary>
    internal const int MinimumQueries = 32;

    private const int Rows = 6;
    private const int Columns = 64;
    private const float Log2E = 1.4426950408889634f;

    // Scores below 2^-126 of a row's maximum are flushed to zero rather than fed to the polynomial as −∞ (which would
    // give NaN); such probabilities are below fp32's resolution of the row sum anyway.
    private const float MinimumExponent = -126f;

    public static bool Supports(in AttentionDescriptor a) =>
        Avx512F.IsSupported && a.HeadDim % Columns == 0 && a.QueryLength >= MinimumQueries && a.KeyLength > 0;

    /// <summary>
    /// Runs the attention; the caller has checked the shape and the buffers' extents. Returns false, having written
    /// nothing, when host memory cannot hold Kᵀ: the caller's tiled path then runs without it.
    /// </summary>
    public static bool TryRun(in AttentionDescriptor a, float* q, float* k, float* v, float* o, ParallelOptions parallel)
    {
        var job = new Job(a, q, k, v);
        var heads = (long)a.Batch * a.Heads;
        float* transposed;
        try
        {
            transposed = (float*)NativeMemory.AlignedAlloc((nuint)(heads * job.TransposedHeadElements * sizeof(float)), 64);
        }
        catch (OutOfMemoryException)
        {
            return false;
        }

        try
        {
            job.Transposed = transposed;
            var blocks = (a.QueryLength + QueryBlock - 1) / QueryBlock;
            var parts = (int)Math.Min(parallel.MaxDegreeOfParallelism is > 0 and var most ? most : Environment.ProcessorCount, heads * blocks);
            if (parts < 2 || !OnTeam(job, heads, blocks, parts, o))
            {
                Parallel.For(0L, heads, parallel, job.Transpose);
                Parallel.For(0L, heads * blocks, parallel, job.AllocateScratch,
                    (task, _, scratch) =>
                    {
                        job.RunBlock(task / blocks, (int)(task % blocks) * QueryBlock, scratch, o);
                        return scratch;
                    },
                    scratch => NativeMemory.AlignedFree((void*)scratch));
            }
        }
        finally
        {
            NativeMemory.AlignedFree(transposed);
        }

        return true;
    }

    /// <summary>
    /// Runs the call on the GEMM's team (<see cref="GemmTeam"/>), whose threads a prompt's GEMMs have just left spinning:
    /// through the thread pool, a pool thread shared its core with a spinning team thread for the first milliseconds of
    /// every attention call. The heads' Kᵀ are split evenly; the query blocks (causal ones differ in length) are taken
    /// one at a time from a shared counter, each part with its own scratch. False, having run nothing, when another
    /// operation holds the team.
    /// </summary>
    private static bool OnTeam(Job job, long heads, int blocks, int parts, float* o)
    {
        var tasks = heads * blocks;
        long next = 0;
        if (!GemmTeam.TryRun(parts, part =>
            {
                for (var head = heads * part / parts; head < heads * (part + 1) / parts; head++)
                {
                    job.Transpose(head);
                }
            }))
        {
            return false;
        }

        // Every Kᵀ is written (the call above returned) before any block reads one.
        return GemmTeam.TryRun(parts, part =>
        {
            var scratch = job.AllocateScratch();
            try
            {
                for (var task = Interlocked.Increment(ref next) - 1; task < tasks; task = Interlocked.Increment(ref next) - 1)
                {
                    job.RunBlock(task / blocks, (int)(task % blocks) * QueryBlock, scratch, o);
                }
            }
            finally
            {
                NativeMemory.AlignedFree((void*)scratch);
            }
        });
    }

    /// <summary>One call's shape and operands; the per-task work.</summary>
    private sealed class Job(AttentionDescriptor a, float* q, float* k, float* v)
    {
        private readonly int _d = a.HeadDim;
        private readonly int _nq = a.QueryLength;
        private readonly int _keys = a.KeyLength;
        private readonly int _cap = a.EffectiveKeyCapacity;
        private readonly AttentionMask _mask = new(a);
        private readonly float _scale2 = a.EffectiveScale * Log2E;

        /// <summary>Row length of Kᵀ: the keys rounded up to whole kernel columns.</summary>
        private readonly int _kt = (a.KeyLength + Columns - 1) / Columns * Columns;

        public float* Transposed { get; set; }

        public long TransposedHeadElements => (long)_d * _kt;

        public void Transpose(long head)
        {
            var source = k + (head * _cap * _d);
            var target = Transposed + (head * TransposedHeadElements);
            // Key rows are read in order and written down columns; the columns of 64 keys at a time stay in L1.
            for (var j0 = 0; j0 < _kt; j0 += Columns)
            {
                var count = Math.Min(Columns, _keys - j0);
                for (var c = 0; c < _d; c++)
                {
                    var row = target + ((long)c * _kt) + j0;
                    var j = 0;
                    for (; j < count; j++)
                    {
                        row[j] = source[((long)(j0 + j) * _d) + c];
                    }

                    for (; j < Columns; j++)
                    {
                        row[j] = 0f;
                    }
                }
            }
        }

        /// <summary>Queries (padded), scores tile, output accumulator, running max, running sum.</summary>
        public nint AllocateScratch() =>
            (nint)NativeMemory.AlignedAlloc((nuint)(sizeof(float) * ((2 * QueryBlock * _d) + (QueryBlock * KeyTile) + (2 * QueryBlock))), 64);

        public void RunBlock(long head, int q0, nint scratchAddress, float* output)
        {
            var rows = Math.Min(QueryBlock, _nq - q0);
            var padded = (rows + Rows - 1) / Rows * Rows;
            var queries = (float*)scratchAddress;
            var acc = queries + (QueryBlock * _d);
            var scores = acc + (QueryBlock * _d);
            var max = scores + (QueryBlock * KeyTile);
            var sum = max + QueryBlock;
            var target = output + (((head * _nq) + q0) * _d);

            var lastKey = _mask.LastKey(q0, rows);
            if (lastKey < 0)
            {
                new Span<float>(target, rows * _d).Clear();
                return;
            }

            // The block's queries, with zero rows up to a whole number of kernel rows.
            var source = q + (((head * _nq) + q0) * _d);
            Buffer.MemoryCopy(source, queries, sizeof(float) * QueryBlock * _d, sizeof(float) * (long)rows * _d);
            new Span<float>(queries + ((long)rows * _d), (padded - rows) * _d).Clear();
            new Span<float>(acc, padded * _d).Clear();
            new Span<float>(max, padded).Fill(float.NegativeInfinity);
            new Span<float>(sum, padded).Clear();

            var kt = Transposed + (head * TransposedHeadElements);
            var values = v + (head * _cap * _d);
            for (var k0 = 0; k0 <= lastKey; k0 += KeyTile)
            {
                var cols = Math.Min(KeyTile, lastKey + 1 - k0);
                var chunks = (cols + Columns - 1) / Columns;

                // S = Q·Kᵀ for this tile, unscaled; columns past the tile's end come from Kᵀ's zero padding.
                for (var chunk = 0; chunk < chunks; chunk++)
                {
                    for (var r = 0; r < padded; r += Rows)
                    {
                        Kernel(queries + ((long)r * _d), _d, kt + k0 + (chunk * Columns), _kt, _d,
                            scores + ((long)r * KeyTile) + (chunk * Columns), KeyTile, accumulate: false);
                    }
                }

                for (var r = 0; r < padded; r++)
                {
                    var visible = r >= rows ? 0 : _mask.Visible(q0 + r, k0, cols);
                    var row = scores + ((long)r * KeyTile);
                    if (visible == 0)
                    {
                        // The row sees none of this tile's keys: zero probabilities, state unchanged.
                        new Span<float>(row, cols).Clear();
                        continue;
                    }

                    var newMax = Math.Max(max[r], RowMax(row, visible) * _scale2);
                    var correction = Exp2(max[r] - newMax);
                    sum[r] = (sum[r] * correction) + ExponentiateRow(row, visible, cols, _scale2, newMax);
                    max[r] = newMax;
                    if (correction != 1f)
                    {
                        Scale(acc + ((long)r * _d), _d, correction);
                    }
                }

                // O += P·V over the tile's keys; rows past the block's end hold zero probabilities.
                for (var c0 = 0; c0 < _d; c0 += Columns)
                {
                    for (var r = 0; r < padded; r += Rows)
                    {
                        Kernel(scores + ((long)r * KeyTile), KeyTile, values + ((long)k0 * _d) + c0, _d, cols,
                            acc + ((long)r * _d) + c0, _d, accumulate: true);
                    }
                }
            }

            for (var r = 0; r < rows; r++)
            {
                var outRow = new Span<float>(target + ((long)r * _d), _d);
                var accRow = new ReadOnlySpan<float>(acc + ((long)r * _d), _d);
                if (sum[r] > 0)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(accRow, 1f / sum[r], outRow);
                }
                else
                {
                    outRow.Clear();
                }
            }
        }
    }

    /// <summary>
    /// C[6×64] (=|+=) A[6×depth]·B[depth×64], A and B row-major with leading dimensions lda and ldb: per step of depth,
    /// four loads of B, six broadcasts of A and 24 fused multiply-adds into registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(float* a, long lda, float* b, long ldb, int depth, float* c, long ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        if (accumulate)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16); c02 = Vector512.Load(c + 32); c03 = Vector512.Load(c + 48);
            c10 = Vector512.Load(c + ldc); c11 = Vector512.Load(c + ldc + 16); c12 = Vector512.Load(c + ldc + 32); c13 = Vector512.Load(c + ldc + 48);
            c20 = Vector512.Load(c + (2 * ldc)); c21 = Vector512.Load(c + (2 * ldc) + 16); c22 = Vector512.Load(c + (2 * ldc) + 32); c23 = Vector512.Load(c + (2 * ldc) + 48);
            c30 = Vector512.Load(c + (3 * ldc)); c31 = Vector512.Load(c + (3 * ldc) + 16); c32 = Vector512.Load(c + (3 * ldc) + 32); c33 = Vector512.Load(c + (3 * ldc) + 48);
            c40 = Vector512.Load(c + (4 * ldc)); c41 = Vector512.Load(c + (4 * ldc) + 16); c42 = Vector512.Load(c + (4 * ldc) + 32); c43 = Vector512.Load(c + (4 * ldc) + 48);
            c50 = Vector512.Load(c + (5 * ldc)); c51 = Vector512.Load(c + (5 * ldc) + 16); c52 = Vector512.Load(c + (5 * ldc) + 32); c53 = Vector512.Load(c + (5 * ldc) + 48);
        }
        else
        {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = Vector512<float>.Zero;
            c30 = c31 = c32 = c33 = c40 = c41 = c42 = c43 = c50 = c51 = c52 = c53 = Vector512<float>.Zero;
        }

        float* a0 = a, a1 = a + lda, a2 = a + (2 * lda), a3 = a + (3 * lda), a4 = a + (4 * lda), a5 = a + (5 * lda);
        for (var p = 0; p < depth; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(a0[p]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01); c02 = Avx512F.FusedMultiplyAdd(x, b2, c02); c03 = Avx512F.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(a1[p]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11); c12 = Avx512F.FusedMultiplyAdd(x, b2, c12); c13 = Avx512F.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(a2[p]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21); c22 = Avx512F.FusedMultiplyAdd(x, b2, c22); c23 = Avx512F.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(a3[p]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31); c32 = Avx512F.FusedMultiplyAdd(x, b2, c32); c33 = Avx512F.FusedMultiplyAdd(x, b3, c33);
            x = Vector512.Create(a4[p]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41); c42 = Avx512F.FusedMultiplyAdd(x, b2, c42); c43 = Avx512F.FusedMultiplyAdd(x, b3, c43);
            x = Vector512.Create(a5[p]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51); c52 = Avx512F.FusedMultiplyAdd(x, b2, c52); c53 = Avx512F.FusedMultiplyAdd(x, b3, c53);
            b += ldb;
        }

        c00.Store(c); c01.Store(c + 16); c02.Store(c + 32); c03.Store(c + 48);
        c10.Store(c + ldc); c11.Store(c + ldc + 16); c12.Store(c + ldc + 32); c13.Store(c + ldc + 48);
        c20.Store(c + (2 * ldc)); c21.Store(c + (2 * ldc) + 16); c22.Store(c + (2 * ldc) + 32); c23.Store(c + (2 * ldc) + 48);
        c30.Store(c + (3 * ldc)); c31.Store(c + (3 * ldc) + 16); c32.Store(c + (3 * ldc) + 32); c33.Store(c + (3 * ldc) + 48);
        c40.Store(c + (4 * ldc)); c41.Store(c + (4 * ldc) + 16); c42.Store(c + (4 * ldc) + 32); c43.Store(c + (4 * ldc) + 48);
        c50.Store(c + (5 * ldc)); c51.Store(c + (5 * ldc) + 16); c52.Store(c + (5 * ldc) + 32); c53.Store(c + (5 * ldc) + 48);
    }

    /// <summary>The largest of the first <paramref name="count"/> raw scores.</summary>
    private static float RowMax(float* row, int count)
    {
        var best = Vector512.Create(float.NegativeInfinity);
        var j = 0;
        for (; j + 16 <= count; j += 16)
        {
            best = Avx512F.Max(best, Vector512.Load(row + j));
        }

        var result = MaxAcross(best);
        for (; j < count; j++)
        {
            result = Math.Max(result, row[j]);
        }

        return result;
    }

    private static float MaxAcross(Vector512<float> v)
    {
        var half = Vector256.Max(v.GetLower(), v.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        var pair = Vector128.Max(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        return Math.Max(pair.GetElement(0), pair.GetElement(1));
    }

    /// <summary>
    /// row[j] = 2^(row[j]·scale2 − max) for j below <paramref name="visible"/>, 0 up to <paramref name="count"/>;
    /// returns the sum of the probabilities.
    /// </summary>
    private static float ExponentiateRow(float* row, int visible, int count, float scale2, float max)
    {
        var s = Vector512.Create(scale2);
        var m = Vector512.Create(max);
        var total = Vector512<float>.Zero;
        var j = 0;
        for (; j + 16 <= visible; j += 16)
        {
            var p = Exp2(Avx512F.FusedMultiplySubtract(Vector512.Load(row + j), s, m));
            p.Store(row + j);
            total += p;
        }

        var sum = Vector512.Sum(total);
        for (; j < visible; j++)
        {
            row[j] = Exp2((row[j] * scale2) - max);
            sum += row[j];
        }

        new Span<float>(row + visible, count - visible).Clear();
        return sum;
    }

    private static void Scale(float* row, int count, float factor)
    {
        var f = Vector512.Create(factor);
        for (var j = 0; j < count; j += 16)
        {
            (Vector512.Load(row + j) * f).Store(row + j);
        }
    }

    /// <summary>2^x for x ≤ 0: 2^round(x) by vscalefps times a degree-6 Taylor polynomial of 2^f on [−½, ½].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp2(Vector512<float> x)
    {
        x = Avx512F.Max(x, Vector512.Create(MinimumExponent));
        var n = Avx512F.RoundScale(x, 0);
        var f = x - n;
        var p = Vector512.Create(1.5403530393381608e-4f);
        p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(1.3333558146428443e-3f));
        p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(9.618129107628477e-3f));
        p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(5.550410866482158e-2f));
        p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(0.2402265069591007f));
        p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(0.6931471805599453f));
        p = Avx512F.FusedMultiplyAdd(p, f, Vector512<float>.One);
        return Avx512F.Scale(p, n);
    }

    private static float Exp2(float x) => x == float.NegativeInfinity ? 0f : MathF.Pow(2f, Math.Max(x, MinimumExponent));
}
