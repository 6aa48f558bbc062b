using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Attention for one query token per sequence (a decode step) against the KV cache, without the GEMM engine: per
/// sequence and key/value head, the query heads that share it (grouped-query attention) are taken together, so each
/// key and value row is read from memory once for the whole group: its scores are dot products in registers, an online
/// softmax runs over tiles of <see cref="KeyTile"/> keys, and the value rows are added into the group's accumulators
/// with FMA. The general path called two GEMMs per head and tile, 1×d by d×512, whose fixed costs dominated: at
/// Llama-3.2-1B's shape (32 heads over 8, d = 64) and a 512-token context it took 244 µs per call on one core.
/// Each KV head's keys and values are one stream, which a core alone reads at a fraction of its bandwidth (the
/// weight GEMVs read four rows at once for that reason): the scores loop prefetches the keys 4 KiB ahead into L1 and
/// the same keys' value rows into L2, so that the value pass finds them there, and at d = 64 the value pass reads each
/// row once for four heads (sixteen accumulators) instead of in two 32-float strips. `decode-attention threads=1` at
/// that shape: 226 → 107 µs per call at 512 keys, 810 → 400 at 2048 (9–10 → 19–21 GB/s of K and V; two threads
/// 112–150 → 73–75 µs at 512).
/// </summary>
internal static unsafe class DecodeAttention
{
    /// <summary>Keys per tile: the group's scores for one tile (4 heads × 256 × 4 bytes) stay in L1.</summary>
    internal const int KeyTile = 256;

    // Floats ahead of the current key or value row to prefetch (4 KiB).
    private const int Ahead = 1024;

    /// <summary>Whether the call is a decode step this kernel takes: one query row, a head size of whole 16-float strips.</summary>
    public static bool Supports(in AttentionDescriptor a) =>
        a.QueryLength == 1 && a.HeadDim % 16 == 0 && a.HeadDim <= 512 && Vector256.IsHardwareAccelerated && a.Heads % a.EffectiveKeyHeads == 0;

    /// <summary>Runs the call; one task per (sequence, key/value head), spread over <paramref name="parallel"/>'s threads when big enough.</summary>
    public static void Run(in AttentionDescriptor a, float* q, float* k, float* v, float* o, ParallelOptions parallel, long parallelWork)
    {
        var job = new Job(a, q, k, v, o);
        var tasks = a.Batch * a.EffectiveKeyHeads;
        var work = (long)a.Batch * a.Heads * a.KeyLength * a.HeadDim;
        if (work < parallelWork || tasks == 1 || parallel.MaxDegreeOfParallelism == 1)
        {
            for (var task = 0; task < tasks; task++)
            {
                job.Run(task);
            }

            return;
        }

        TeamFor.Run(parallel, tasks, job.Run);
    }

    private sealed class Job(AttentionDescriptor a, float* q, float* k, float* v, float* o)
    {
        private readonly int _d = a.HeadDim;
        private readonly int _heads = a.Heads;
        private readonly int _keyHeads = a.EffectiveKeyHeads;
        private readonly int _group = a.Heads / a.EffectiveKeyHeads;
        private readonly int _cap = a.EffectiveKeyCapacity;
        private readonly float _scale = a.EffectiveScale;

        // The query row sees keys 0..visible-1: all of them, or with a causal mask those up to its position.
        private readonly int _visible = new AttentionMask(a).LastKey(0, 1) + 1;

        /// <summary>Task = sequence · key heads + key head: the query heads of its group, over the visible keys.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int task)
        {
            int d = _d, group = _group;
            var sequence = task / _keyHeads;
            var firstHead = (sequence * _heads) + ((task % _keyHeads) * group);
            var queries = q + ((long)firstHead * d);
            var output = o + ((long)firstHead * d);
            if (_visible <= 0)
            {
                new Span<float>(output, group * d).Clear();
                return;
            }

            var keys = k + ((long)task * _cap * d);
            var values = v + ((long)task * _cap * d);

            // Scratch: the group's scores for one tile, its accumulators, running maxima and sums.
            var scratch = (float*)NativeMemory.AlignedAlloc((nuint)(sizeof(float) * ((group * KeyTile) + (group * d) + (2 * group))), 64);
            try
            {
                var scores = scratch;
                var acc = scores + (group * KeyTile);
                var max = acc + (group * d);
                var sum = max + group;
                new Span<float>(acc, group * d).Clear();
                new Span<float>(max, group).Fill(float.NegativeInfinity);
                new Span<float>(sum, group).Clear();
                for (var k0 = 0; k0 < _visible; k0 += KeyTile)
                {
                    var cols = Math.Min(KeyTile, _visible - k0);
                    Scores(queries, keys + ((long)k0 * d), values + ((long)k0 * d), scores, group, cols, d, _scale);
                    for (var j = 0; j < group; j++)
                    {
                        Softmax(scores + (j * KeyTile), cols, acc + (j * d), d, ref max[j], ref sum[j]);
                    }

                    AddValues(scores, values + ((long)k0 * d), acc, group, cols, d);
                }

                for (var j = 0; j < group; j++)
                {
                    // sum ≥ 1 (the row's largest score contributes exp(0)) unless the scores were NaN.
                    var inverse = 1f / sum[j];
                    for (var c = 0; c < d; c += 8)
                    {
                        (Vector256.Load(acc + (j * d) + c) * inverse).Store(output + (j * d) + c);
                    }
                }
            }
            finally
            {
                NativeMemory.AlignedFree(scratch);
            }
        }
    }

    /// <summary>scores[j·KeyTile + i] = scale · q_j · k_i for the group's queries and <paramref name="cols"/> keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(float* queries, float* keys, float* values, float* scores, int group, int cols, int d, float scale)
    {
        var i = 0;
        if (Avx.IsSupported && Vector512.IsHardwareAccelerated)
        {
            // The same with 512-bit vectors (d is a multiple of 16): half the loads and FMAs. The common head
            // dimensions as constants, so that the eight key rows' offsets fold into the loads: with d a variable the
            // JIT spent about three scalar instructions per FMA on addresses (in cache at 512 keys and d = 64, a call
            // took 62 us, 55 with d constant; from DRAM 106 and 102, Zen 5, one core).
            i = d switch
            {
                64 => Scores512<HeadDim64>(queries, keys, values, scores, group, cols, scale, d),
                128 => Scores512<HeadDim128>(queries, keys, values, scores, group, cols, scale, d),
                _ => Scores512<HeadDimArgument>(queries, keys, values, scores, group, cols, scale, d),
            };
        }

        if (Avx.IsSupported)
        {
            // Eight keys at a time: eight dot products in eight vectors, then one horizontal-add tree sums all eight
            // (8 operations for 8 scores instead of 5–6 for each).
            for (; i + 8 <= cols; i += 8)
            {
                var key = keys + ((long)i * d);
                for (var j = 0; j < group; j++)
                {
                    var query = queries + (j * d);
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                    for (var c = 0; c < d; c += 8)
                    {
                        var qc = Vector256.Load(query + c);
                        s0 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + c), s0);
                        s1 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + d + c), s1);
                        s2 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + (2 * d) + c), s2);
                        s3 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + (3 * d) + c), s3);
                        s4 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + (4 * d) + c), s4);
                        s5 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + (5 * d) + c), s5);
                        s6 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + (6 * d) + c), s6);
                        s7 = Vector256.FusedMultiplyAdd(qc, Vector256.Load(key + (7 * d) + c), s7);
                    }

                    Tree(s0, s1, s2, s3, s4, s5, s6, s7, scale).Store(scores + (j * KeyTile) + i);
                }
            }
        }

        for (; i < cols; i++)
        {
            var key = keys + ((long)i * d);
            for (var j = 0; j < group; j++)
            {
                var query = queries + (j * d);
                var a = Vector256<float>.Zero;
                for (var c = 0; c < d; c += 8)
                {
                    a = Vector256.FusedMultiplyAdd(Vector256.Load(query + c), Vector256.Load(key + c), a);
                }

                scores[(j * KeyTile) + i] = scale * Vector256.Sum(a);
            }
        }
    }

    /// <summary>
    /// Eight keys at a time with 512-bit vectors, each key's sum folded to 256 bits before the tree; returns how many
    /// keys it covered. <typeparamref name="TDim"/> gives d as a constant, or <paramref name="headDim"/> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Scores512<TDim>(float* queries, float* keys, float* values, float* scores, int group, int cols, float scale, int headDim)
        where TDim : struct, IHeadDim
    {
        var d = TDim.IsConstant ? TDim.D : headDim;
        var i = 0;
        for (; i + 8 <= cols; i += 8)
        {
            var key = keys + ((long)i * d);
            // The eight keys' lines one tile ahead of the next eight: one stream per core keeps too few DRAM reads in
            // flight on its own (see FloatDot); the values' lines into L2 for AddValues.
            var value = values + ((long)i * d);
            for (var line = 0; line < 8 * d; line += 16)
            {
                Sse.Prefetch0(key + Ahead + line);
                Sse.Prefetch1(value + line);
            }

            for (var j = 0; j < group; j++)
            {
                var query = queries + (j * d);
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                for (var c = 0; c < d; c += 16)
                {
                    var qc = Vector512.Load(query + c);
                    var k = key + c;
                    s0 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k), s0);
                    s1 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + d), s1);
                    s2 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + (2 * d)), s2);
                    s3 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + (3 * d)), s3);
                    s4 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + (4 * d)), s4);
                    s5 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + (5 * d)), s5);
                    s6 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + (6 * d)), s6);
                    s7 = Vector512.FusedMultiplyAdd(qc, Vector512.Load(k + (7 * d)), s7);
                }

                Tree(Fold(s0), Fold(s1), Fold(s2), Fold(s3), Fold(s4), Fold(s5), Fold(s6), Fold(s7), scale).Store(scores + (j * KeyTile) + i);
            }
        }

        return i;
    }

    /// <summary>A head dimension the JIT compiles in as a constant (<see cref="IsConstant"/>), or one read from an argument.</summary>
    private interface IHeadDim
    {
        static abstract bool IsConstant { get; }

        static abstract int D { get; }
    }

    private readonly struct HeadDim64 : IHeadDim
    {
        public static bool IsConstant => true;

        public static int D => 64;
    }

    private readonly struct HeadDim128 : IHeadDim
    {
        public static bool IsConstant => true;

        public static int D => 128;
    }

    private readonly struct HeadDimArgument : IHeadDim
    {
        public static bool IsConstant => false;

        public static int D => 0;
    }

    /// <summary>scale times the sums of eight vectors, in order, by a horizontal-add tree (8 operations).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tree(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3, Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7, float scale)
    {
        var low = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        var high = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
        // low holds vectors 0–3's partial sums in its first 128 bits and their other partial sums in its second; same for high.
        return (Avx.Permute2x128(low, high, 0x20) + Avx.Permute2x128(low, high, 0x31)) * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> sum) => sum.GetLower() + sum.GetUpper();

    /// <summary>
    /// One head's tile of scores to probabilities relative to its running maximum (online softmax): the accumulator and
    /// the running sum are rescaled when the maximum grows.
    /// </summary>
    private static void Softmax(float* scores, int cols, float* acc, int d, ref float max, ref float sum)
    {
        var tile = new Span<float>(scores, cols);
        var newMax = Math.Max(max, VectorMath.Max(tile));
        var correction = MathF.Exp(max - newMax);
        sum = (sum * correction) + VectorMath.ExpShifted(tile, newMax);
        if (correction != 1f)
        {
            var row = new Span<float>(acc, d);
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, correction, row);
        }

        max = newMax;
    }

    /// <summary>acc_j += Σ_i p[j·KeyTile + i] · v_i: four heads at a time share each value row's loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddValues(float* p, float* values, float* acc, int group, int cols, int d)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated && d == 64)
        {
            // A whole 64-float row per key: one pass over the values, sixteen accumulators.
            for (; j + 4 <= group; j += 4)
            {
                float* p0 = p + (j * KeyTile), p1 = p0 + KeyTile, p2 = p1 + KeyTile, p3 = p2 + KeyTile;
                float* a0 = acc + (j * d), a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
                Vector512<float> x0 = Vector512.Load(a0), y0 = Vector512.Load(a0 + 16), z0 = Vector512.Load(a0 + 32), w0 = Vector512.Load(a0 + 48);
                Vector512<float> x1 = Vector512.Load(a1), y1 = Vector512.Load(a1 + 16), z1 = Vector512.Load(a1 + 32), w1 = Vector512.Load(a1 + 48);
                Vector512<float> x2 = Vector512.Load(a2), y2 = Vector512.Load(a2 + 16), z2 = Vector512.Load(a2 + 32), w2 = Vector512.Load(a2 + 48);
                Vector512<float> x3 = Vector512.Load(a3), y3 = Vector512.Load(a3 + 16), z3 = Vector512.Load(a3 + 32), w3 = Vector512.Load(a3 + 48);
                var row = values;
                for (var i = 0; i < cols; i++, row += 64)
                {
                    Sse.Prefetch0(row + Ahead);
                    Sse.Prefetch0(row + Ahead + 16);
                    Sse.Prefetch0(row + Ahead + 32);
                    Sse.Prefetch0(row + Ahead + 48);
                    Vector512<float> v0 = Vector512.Load(row), v1 = Vector512.Load(row + 16), v2 = Vector512.Load(row + 32), v3 = Vector512.Load(row + 48);
                    var b = Vector512.Create(p0[i]);
                    x0 = Vector512.FusedMultiplyAdd(b, v0, x0);
                    y0 = Vector512.FusedMultiplyAdd(b, v1, y0);
                    z0 = Vector512.FusedMultiplyAdd(b, v2, z0);
                    w0 = Vector512.FusedMultiplyAdd(b, v3, w0);
                    b = Vector512.Create(p1[i]);
                    x1 = Vector512.FusedMultiplyAdd(b, v0, x1);
                    y1 = Vector512.FusedMultiplyAdd(b, v1, y1);
                    z1 = Vector512.FusedMultiplyAdd(b, v2, z1);
                    w1 = Vector512.FusedMultiplyAdd(b, v3, w1);
                    b = Vector512.Create(p2[i]);
                    x2 = Vector512.FusedMultiplyAdd(b, v0, x2);
                    y2 = Vector512.FusedMultiplyAdd(b, v1, y2);
                    z2 = Vector512.FusedMultiplyAdd(b, v2, z2);
                    w2 = Vector512.FusedMultiplyAdd(b, v3, w2);
                    b = Vector512.Create(p3[i]);
                    x3 = Vector512.FusedMultiplyAdd(b, v0, x3);
                    y3 = Vector512.FusedMultiplyAdd(b, v1, y3);
                    z3 = Vector512.FusedMultiplyAdd(b, v2, z3);
                    w3 = Vector512.FusedMultiplyAdd(b, v3, w3);
                }

                x0.Store(a0);
                y0.Store(a0 + 16);
                z0.Store(a0 + 32);
                w0.Store(a0 + 48);
                x1.Store(a1);
                y1.Store(a1 + 16);
                z1.Store(a1 + 32);
                w1.Store(a1 + 48);
                x2.Store(a2);
                y2.Store(a2 + 16);
                z2.Store(a2 + 32);
                w2.Store(a2 + 48);
                x3.Store(a3);
                y3.Store(a3 + 16);
                z3.Store(a3 + 32);
                w3.Store(a3 + 48);
            }
        }

        if (Vector512.IsHardwareAccelerated && d % 32 == 0)
        {
            // 32-wide strips of 512-bit vectors: the same eight accumulators cover twice the columns.
            for (; j + 4 <= group; j += 4)
            {
                float* p0 = p + (j * KeyTile), p1 = p0 + KeyTile, p2 = p1 + KeyTile, p3 = p2 + KeyTile;
                for (var c = 0; c < d; c += 32)
                {
                    float* a0 = acc + (j * d) + c, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
                    Vector512<float> l0 = Vector512.Load(a0), h0 = Vector512.Load(a0 + 16), l1 = Vector512.Load(a1), h1 = Vector512.Load(a1 + 16);
                    Vector512<float> l2 = Vector512.Load(a2), h2 = Vector512.Load(a2 + 16), l3 = Vector512.Load(a3), h3 = Vector512.Load(a3 + 16);
                    var row = values + c;
                    for (var i = 0; i < cols; i++, row += d)
                    {
                        var vl = Vector512.Load(row);
                        var vh = Vector512.Load(row + 16);
                        var b0 = Vector512.Create(p0[i]);
                        var b1 = Vector512.Create(p1[i]);
                        var b2 = Vector512.Create(p2[i]);
                        var b3 = Vector512.Create(p3[i]);
                        l0 = Vector512.FusedMultiplyAdd(b0, vl, l0);
                        h0 = Vector512.FusedMultiplyAdd(b0, vh, h0);
                        l1 = Vector512.FusedMultiplyAdd(b1, vl, l1);
                        h1 = Vector512.FusedMultiplyAdd(b1, vh, h1);
                        l2 = Vector512.FusedMultiplyAdd(b2, vl, l2);
                        h2 = Vector512.FusedMultiplyAdd(b2, vh, h2);
                        l3 = Vector512.FusedMultiplyAdd(b3, vl, l3);
                        h3 = Vector512.FusedMultiplyAdd(b3, vh, h3);
                    }

                    l0.Store(a0);
                    h0.Store(a0 + 16);
                    l1.Store(a1);
                    h1.Store(a1 + 16);
                    l2.Store(a2);
                    h2.Store(a2 + 16);
                    l3.Store(a3);
                    h3.Store(a3 + 16);
                }
            }
        }

        for (; j + 4 <= group; j += 4)
        {
            // A 16-wide strip of four heads' accumulators (8 vectors) stays in registers over the tile's keys.
            float* p0 = p + (j * KeyTile), p1 = p0 + KeyTile, p2 = p1 + KeyTile, p3 = p2 + KeyTile;
            for (var c = 0; c < d; c += 16)
            {
                float* a0 = acc + (j * d) + c, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
                Vector256<float> l0 = Vector256.Load(a0), h0 = Vector256.Load(a0 + 8), l1 = Vector256.Load(a1), h1 = Vector256.Load(a1 + 8);
                Vector256<float> l2 = Vector256.Load(a2), h2 = Vector256.Load(a2 + 8), l3 = Vector256.Load(a3), h3 = Vector256.Load(a3 + 8);
                var row = values + c;
                for (var i = 0; i < cols; i++, row += d)
                {
                    var vl = Vector256.Load(row);
                    var vh = Vector256.Load(row + 8);
                    var b0 = Vector256.Create(p0[i]);
                    var b1 = Vector256.Create(p1[i]);
                    var b2 = Vector256.Create(p2[i]);
                    var b3 = Vector256.Create(p3[i]);
                    l0 = Vector256.FusedMultiplyAdd(b0, vl, l0);
                    h0 = Vector256.FusedMultiplyAdd(b0, vh, h0);
                    l1 = Vector256.FusedMultiplyAdd(b1, vl, l1);
                    h1 = Vector256.FusedMultiplyAdd(b1, vh, h1);
                    l2 = Vector256.FusedMultiplyAdd(b2, vl, l2);
                    h2 = Vector256.FusedMultiplyAdd(b2, vh, h2);
                    l3 = Vector256.FusedMultiplyAdd(b3, vl, l3);
                    h3 = Vector256.FusedMultiplyAdd(b3, vh, h3);
                }

                l0.Store(a0);
                h0.Store(a0 + 8);
                l1.Store(a1);
                h1.Store(a1 + 8);
                l2.Store(a2);
                h2.Store(a2 + 8);
                l3.Store(a3);
                h3.Store(a3 + 8);
            }
        }

        for (; j < group; j++)
        {
            // One head (GPT-2's, or a group's remainder): two keys at a time, so four FMA chains are in flight.
            var probabilities = p + (j * KeyTile);
            for (var c = 0; c < d; c += 16)
            {
                var a = acc + (j * d) + c;
                Vector256<float> l = Vector256.Load(a), h = Vector256.Load(a + 8), l2 = default, h2 = default;
                var row = values + c;
                var i = 0;
                for (; i + 2 <= cols; i += 2, row += 2 * d)
                {
                    var b = Vector256.Create(probabilities[i]);
                    var b2 = Vector256.Create(probabilities[i + 1]);
                    l = Vector256.FusedMultiplyAdd(b, Vector256.Load(row), l);
                    h = Vector256.FusedMultiplyAdd(b, Vector256.Load(row + 8), h);
                    l2 = Vector256.FusedMultiplyAdd(b2, Vector256.Load(row + d), l2);
                    h2 = Vector256.FusedMultiplyAdd(b2, Vector256.Load(row + d + 8), h2);
                }

                if (i < cols)
                {
                    var b = Vector256.Create(probabilities[i]);
                    l = Vector256.FusedMultiplyAdd(b, Vector256.Load(row), l);
                    h = Vector256.FusedMultiplyAdd(b, Vector256.Load(row + 8), h);
                }

                (l + l2).Store(a);
                (h + h2).Store(a + 8);
            }
        }
    }
}
