/*
 * Fused scaled dot-product attention with an online softmax: the scores are never written to memory.
 * One group of AIP_ATT_ITEMS items per query row of one (batch, head): the items score one key each per tile of
 * AIP_ATT_ITEMS keys, then each item accumulates its own head dimensions (d = item, item + AIP_ATT_ITEMS, ...) over
 * the tile. Parallel over keys and head dimensions, so it serves decoding (one query row) as well as prefill.
 */

#define AIP_ATT_ITEMS 64
#define AIP_ATT_MAX_DIM 256
#define AIP_ATT_DIMS_PER_ITEM (AIP_ATT_MAX_DIM / AIP_ATT_ITEMS)

/*
 * q, o: [batch*heads, queryLength, headDim]; k, v: [batch*heads/group, keyCapacity, headDim] of which keyLength rows
 * are used; query head h reads key head h / group (grouped-query attention; group 1 without it). With causal != 0,
 * query row i sees keys j <= queryOffset + i. Rows that see no key get zeros.
 */
KERNEL void attention_forward(const GLOBAL float* q, const GLOBAL float* k, const GLOBAL float* v, GLOBAL float* o,
    int queryLength, int keyLength, int keyCapacity, int headDim, int causal, int queryOffset, float scale, int group)
{
    LOCAL float query[AIP_ATT_MAX_DIM];
    LOCAL float weights[AIP_ATT_ITEMS];
    LOCAL float scratch[AIP_ATT_ITEMS];
    int t = LOCAL_ID(0);
    int row = GROUP_ID(0);
    INT64 head = GROUP_ID(1);
    INT64 queryBase = (head * queryLength + row) * headDim;
    INT64 keyBase = (head / group) * keyCapacity * headDim;
    for (int d = t; d < headDim; d += AIP_ATT_ITEMS) {
        query[d] = q[queryBase + d] * scale;
    }
    int keyEnd = keyLength;
    if (causal != 0 && queryOffset + row + 1 < keyEnd) {
        keyEnd = queryOffset + row + 1;
    }
    float acc[AIP_ATT_DIMS_PER_ITEM];
    for (int i = 0; i < AIP_ATT_DIMS_PER_ITEM; ++i) {
        acc[i] = 0.0f;
    }
    float runningMax = NEG_INF;
    float runningSum = 0.0f;
    BARRIER();
    for (int tile = 0; tile < keyEnd; tile += AIP_ATT_ITEMS) {
        int key = tile + t;
        float score = NEG_INF;
        if (key < keyEnd) {
            const GLOBAL float* keyRow = k + keyBase + (INT64)key * headDim;
            score = 0.0f;
            for (int d = 0; d < headDim; ++d) {
                score += query[d] * keyRow[d];
            }
        }
        float tileMax = aip_group_max(scratch, score, AIP_ATT_ITEMS);
        float newMax = FMAX(runningMax, tileMax);
        float weight = aip_exp_shifted(score, newMax);
        weights[t] = weight;
        float tileSum = aip_group_sum(scratch, weight, AIP_ATT_ITEMS);
        float correction = aip_exp_shifted(runningMax, newMax);
        runningSum = runningSum * correction + tileSum;
        runningMax = newMax;
        int tileKeys = keyEnd - tile < AIP_ATT_ITEMS ? keyEnd - tile : AIP_ATT_ITEMS;
        for (int i = 0; i < AIP_ATT_DIMS_PER_ITEM; ++i) {
            int d = t + i * AIP_ATT_ITEMS;
            float a = acc[i] * correction;
            if (d < headDim) {
                const GLOBAL float* valueColumn = v + keyBase + (INT64)tile * headDim + d;
                for (int j = 0; j < tileKeys; ++j) {
                    a += weights[j] * valueColumn[(INT64)j * headDim];
                }
            }
            acc[i] = a;
        }
        BARRIER();
    }
    float inverse = runningSum > 0.0f ? 1.0f / runningSum : 0.0f;
    for (int i = 0; i < AIP_ATT_DIMS_PER_ITEM; ++i) {
        int d = t + i * AIP_ATT_ITEMS;
        if (d < headDim) {
            o[queryBase + d] = acc[i] * inverse;
        }
    }
}
