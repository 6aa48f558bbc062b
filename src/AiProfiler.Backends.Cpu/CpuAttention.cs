using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Fused attention in the FlashAttention-2 structure: a block of queries against tiles of keys, the block×tile scores
/// computed by one GEMM into per-thread scratch that stays in L2, an online softmax over each tile (running max and sum
/// per row, vectorized exp), and O += P·V by a second GEMM. Memory is O(block × tile) per thread; the N×N scores never
/// exist. Causal tiles wholly above the diagonal are skipped. Work is spread over (batch, head, query block), with the
/// BLAS kept single-threaded inside. Prompt-sized calls whose head size is a multiple of 64 take
/// <see cref="Avx512Attention"/>'s hand-written tile kernel instead on CPUs with AVX-512.
/// </summary>
internal sealed unsafe partial class CpuTensorOps
{
    private const int QueryBlock = 128;
    private const int KeyTile = 256;
    private const int DecodeKeyTile = 512;

    // Below this many multiply-adds a call does not go to the thread pool: decode steps issue many small attention
    // calls, and the pool's start-up (a sleeping worker's wake-up) would dominate them.
    private const long SerialWork = 1L << 21;

    // From this many multiply-adds (a quarter of a MiB of keys and values) up to SerialWork a call splits its heads over
    // the GEMM team, whose threads are already spinning between a decode step's GEMVs: GPT-2 medium's decode attention
    // at a 256-token context (1.1 MiB of cache per layer) read at 21 GB/s on one core.
    private const long TeamWork = 1L << 16;

    protected override void AttentionCore(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        var a = attention;
        var heads = (long)a.Batch * a.Heads;
        int d = a.HeadDim, nq = a.QueryLength;
        var pq = Ptr(q);
        var pk = Ptr(k);
        var pv = Ptr(v);
        var po = Ptr(o);
        if (nq == 0 || heads == 0)
        {
            return;
        }

        if (DecodeAttention.Supports(a))
        {
            DecodeAttention.Run(a, pq, pk, pv, po, _parallel, TeamWork);
            return;
        }

        // The tile kernel transposes keys per query head; with grouped-query attention the general path reads each
        // key head for its whole group instead.
        if (a.EffectiveKeyHeads == a.Heads && Avx512Attention.Supports(a) && Avx512Attention.TryRun(a, pq, pk, pv, po, _parallel))
        {
            return;
        }

        var job = new AttentionJob(a, (nint)pq, (nint)pk, (nint)pv, (nint)po, Math.Min(QueryBlock, nq), nq <= 16 ? DecodeKeyTile : KeyTile);
        var tasks = heads * job.QueryBlocks;
        var work = heads * nq * (long)a.KeyLength * d;
        if (work < SerialWork && tasks > 1 && work >= TeamWork && _parallel.MaxDegreeOfParallelism > 1 && OnTeam(job, tasks))
        {
            return;
        }

        if (work < SerialWork || tasks == 1)
        {
            var scratch = job.AllocateScratch();
            try
            {
                for (var task = 0L; task < tasks; task++)
                {
                    job.RunBlock(task, scratch, gemm);
                }
            }
            finally
            {
                NativeMemory.AlignedFree((void*)scratch);
            }

            return;
        }

        gemm.WithSingleThreadedGemm(() => Parallel.For(0L, tasks, _parallel, job.AllocateScratch,
            (task, _, scratch) =>
            {
                job.RunBlock(task, scratch, gemm);
                return scratch;
            },
            scratch => NativeMemory.AlignedFree((void*)scratch)));
    }

    /// <summary>Runs the tasks split into equal ranges over the GEMM team; false, running nothing, when the team is busy.</summary>
    private bool OnTeam(AttentionJob job, long tasks)
    {
        var parts = (int)Math.Min(_parallel.MaxDegreeOfParallelism, tasks);
        var ran = false;
        gemm.WithSingleThreadedGemm(() => ran = GemmTeam.TryRun(parts, part =>
        {
            var scratch = job.AllocateScratch();
            try
            {
                for (var task = tasks * part / parts; task < tasks * (part + 1) / parts; task++)
                {
                    job.RunBlock(task, scratch, gemm);
                }
            }
            finally
            {
                NativeMemory.AlignedFree((void*)scratch);
            }
        }));
        return ran;
    }

    /// <summary>One attention call's shape and data, and the work on one (batch·head, query block).</summary>
    private sealed class AttentionJob(AttentionDescriptor a, nint q, nint k, nint v, nint o, int queryBlock, int keyTile)
    {
        private readonly int _d = a.HeadDim;
        private readonly int _nq = a.QueryLength;
        private readonly int _cap = a.EffectiveKeyCapacity;
        private readonly AttentionMask _mask = new(a);
        private readonly float _scale = a.EffectiveScale;
        private readonly int _group = a.Heads / a.EffectiveKeyHeads;

        public int QueryBlocks { get; } = (a.QueryLength + queryBlock - 1) / queryBlock;

        /// <summary>Scores tile, output accumulator, running max and running sum for one block.</summary>
        public nint AllocateScratch() =>
            (nint)NativeMemory.AlignedAlloc((nuint)(sizeof(float) * ((queryBlock * keyTile) + (queryBlock * _d) + (2 * queryBlock))), 64);

        public void RunBlock(long task, nint scratchAddress, CpuGemmEngine gemm)
        {
            var head = task / QueryBlocks;
            var q0 = (int)(task % QueryBlocks) * queryBlock;
            var rows = Math.Min(queryBlock, _nq - q0);
            var scores = (float*)scratchAddress;
            var acc = scores + (queryBlock * keyTile);
            var max = acc + (queryBlock * _d);
            var sum = max + queryBlock;
            var qBlock = (float*)q + (((head * _nq) + q0) * _d);
            // Query head h of batch b (index b·H + h) reads key head b·Hkv + h / group, which is (b·H + h) / group.
            var keyHead = head / _group;
            var keys = (float*)k + (keyHead * _cap * _d);
            var values = (float*)v + (keyHead * _cap * _d);
            var output = new Span<float>((float*)o + (((head * _nq) + q0) * _d), rows * _d);

            var lastKey = _mask.LastKey(q0, rows);
            if (lastKey < 0)
            {
                output.Clear();
                return;
            }

            new Span<float>(acc, rows * _d).Clear();
            new Span<float>(max, rows).Fill(float.NegativeInfinity);
            new Span<float>(sum, rows).Clear();
            for (var k0 = 0; k0 <= lastKey; k0 += keyTile)
            {
                var cols = Math.Min(keyTile, lastKey + 1 - k0);
                gemm.GemmOnThisThread(
                    new GemmDescriptor { M = rows, N = cols, K = _d, TransposeB = true, Alpha = _scale, LdA = _d, LdB = _d, LdC = keyTile },
                    qBlock, keys + ((long)k0 * _d), scores);
                var anyVisible = false;
                for (var r = 0; r < rows; r++)
                {
                    var row = new Span<float>(scores + (r * keyTile), cols);
                    var visible = _mask.Visible(q0 + r, k0, cols);
                    if (visible == 0)
                    {
                        // The row sees none of this tile's keys: zero probabilities, state unchanged.
                        row.Clear();
                        continue;
                    }

                    anyVisible = true;
                    row[visible..].Clear();
                    var seen = row[..visible];
                    var newMax = Math.Max(max[r], VectorMath.Max(seen));
                    var correction = MathF.Exp(max[r] - newMax);
                    sum[r] = (sum[r] * correction) + VectorMath.ExpShifted(seen, newMax);
                    if (correction != 1f)
                    {
                        var accRow = new Span<float>(acc + (r * _d), _d);
                        TensorPrimitives.Multiply(accRow, correction, accRow);
                    }

                    max[r] = newMax;
                }

                if (anyVisible)
                {
                    gemm.GemmOnThisThread(
                        new GemmDescriptor { M = rows, N = _d, K = cols, Alpha = 1f, Beta = 1f, LdA = keyTile, LdB = _d, LdC = _d },
                        scores, values + ((long)k0 * _d), acc);
                }
            }

            for (var r = 0; r < rows; r++)
            {
                var target = output.Slice(r * _d, _d);
                if (sum[r] > 0)
                {
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(acc + (r * _d), _d), 1f / sum[r], target);
                }
                else
                {
                    target.Clear();
                }
            }
        }
    }
}
