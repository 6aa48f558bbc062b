using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Fused scaled dot-product attention with an online softmax; the scores never reach memory. A group takes one query
/// row of one (batch, head) at a time, striding over all of them: its items score one key each per tile of group-size keys, then each item accumulates its
/// own head dimensions (item, item + group size, ...) over the tile. Parallel over keys and head dimensions, so it
/// serves decoding (one query row) as well as prefill.
/// </summary>
internal static class AttentionKernels
{
    /// <summary>The largest head size: the length of the shared query row.</summary>
    public const int MaxHeadDim = 256;

    /// <summary>
    /// The smallest group the host launches with (the CPU emulator's 2 items): it sizes each item's accumulators for
    /// the head dimensions it owns. On GPUs (64-item attention groups) they sit in local memory and only HeadDim / 64
    /// of them are used.
    /// </summary>
    public const int MinGroup = 2;

    private const int MaxDimsPerItem = MaxHeadDim / MinGroup;

    /// <summary>
    /// q, o: [heads, queryLength, headDim]; k, v: [heads / group, keyCapacity, headDim] of which keyLength rows are
    /// used; query head h reads key head h / group (grouped-query attention; group 1 without it). With causal, query
    /// row i sees keys j ≤ queryOffset + i; a row that sees no key gets zeros.
    /// </summary>
    [IlgpuKernel]
    public static void Forward(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> o, AttentionArguments a)
    {
        var query = SharedMemory.Allocate<float>(MaxHeadDim);
        var weights = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        var acc = LocalMemory.Allocate<float>(MaxDimsPerItem);
        for (var unit = (long)Grid.IdxX; unit < a.Heads * (long)a.QueryLength; unit += Grid.DimX)
        {
            Row(q, k, v, o, a, query, weights, scratch, acc, (int)(unit / a.QueryLength), (int)(unit % a.QueryLength));
        }
    }

    private static void Row(ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> o, AttentionArguments a,
        ArrayView<float> query, ArrayView<float> weights, ArrayView<float> scratch, ArrayView<float> acc, int head, int row)
    {
        var t = Group.IdxX;
        var items = Group.DimX;
        var queryBase = ((long)head * a.QueryLength + row) * a.HeadDim;
        var keyBase = (long)(head / a.Group) * a.KeyCapacity * a.HeadDim;

        // The previous row's items may still read the shared query row.
        Group.Barrier();
        for (var d = t; d < a.HeadDim; d += items)
        {
            query[d] = q[queryBase + d] * a.Scale;
        }

        var keyEnd = a.KeyLength;
        if (a.Causal != 0 && a.QueryOffset + row + 1 < keyEnd)
        {
            keyEnd = a.QueryOffset + row + 1;
        }

        var dims = (a.HeadDim + items - 1) / items;
        for (var i = 0; i < dims; i++)
        {
            acc[i] = 0f;
        }

        var runningMax = float.NegativeInfinity;
        var runningSum = 0f;
        Group.Barrier();
        for (var tile = 0; tile < keyEnd; tile += items)
        {
            var key = tile + t;
            var score = float.NegativeInfinity;
            if (key < keyEnd)
            {
                var keyRow = keyBase + (long)key * a.HeadDim;
                score = 0f;
                for (var d = 0; d < a.HeadDim; d++)
                {
                    score += query[d] * k[keyRow + d];
                }
            }

            var newMax = MathF.Max(runningMax, GroupMath.Max(scratch, score));
            var weight = GroupMath.ExpShifted(score, newMax);
            weights[t] = weight;

            // The sum's barriers also publish every item's weight for the accumulation below.
            var tileSum = GroupMath.Sum(scratch, weight);
            var correction = GroupMath.ExpShifted(runningMax, newMax);
            runningSum = runningSum * correction + tileSum;
            runningMax = newMax;
            var tileKeys = keyEnd - tile < items ? keyEnd - tile : items;
            for (var i = 0; i < dims; i++)
            {
                var d = t + i * items;
                var sum = acc[i] * correction;
                if (d < a.HeadDim)
                {
                    var column = keyBase + (long)tile * a.HeadDim + d;
                    for (var j = 0; j < tileKeys; j++)
                    {
                        sum += weights[j] * v[column + (long)j * a.HeadDim];
                    }
                }

                acc[i] = sum;
            }

            Group.Barrier();
        }

        var inverse = runningSum > 0f ? 1f / runningSum : 0f;
        for (var i = 0; i < dims; i++)
        {
            var d = t + i * items;
            if (d < a.HeadDim)
            {
                o[queryBase + d] = acc[i] * inverse;
            }
        }
    }
}
