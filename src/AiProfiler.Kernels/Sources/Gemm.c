/*
 * Tiled GEMM, row-major: C = alpha * op(A) * op(B) + beta * C for each batch (GROUP_ID(2)), fp32 accumulation.
 * A group of 16x16 items computes a 64x64 block of C, 4x4 outputs per item, staging 64x16 of op(A) and 16x64 of
 * op(B) per step in local memory. Loads outside the matrices read 0 and stores outside are skipped, so sizes need
 * not be multiples of the tile. Elements are fp32, fp16 or bf16 (`type`, as AIP_FP32/AIP_FP16/AIP_BF16).
 */

#define AIP_GEMM_BLOCK 64
#define AIP_GEMM_DEPTH 16
#define AIP_GEMM_ITEMS 16
#define AIP_GEMM_PER_ITEM (AIP_GEMM_BLOCK / AIP_GEMM_ITEMS)

KERNEL void gemm_tiled(int m, int n, int k, int transA, int transB, float alpha, float beta,
    const GLOBAL float* a, INT64 offsetA, int lda, INT64 strideA,
    const GLOBAL float* b, INT64 offsetB, int ldb, INT64 strideB,
    GLOBAL float* c, INT64 offsetC, int ldc, INT64 strideC, int type)
{
    LOCAL float tileA[AIP_GEMM_DEPTH * AIP_GEMM_BLOCK];
    LOCAL float tileB[AIP_GEMM_DEPTH * AIP_GEMM_BLOCK];
    int tx = LOCAL_ID(0);
    int ty = LOCAL_ID(1);
    int item = ty * AIP_GEMM_ITEMS + tx;
    int row0 = GROUP_ID(1) * AIP_GEMM_BLOCK;
    int col0 = GROUP_ID(0) * AIP_GEMM_BLOCK;
    INT64 batch = GROUP_ID(2);
    INT64 baseA = offsetA + batch * strideA;
    INT64 baseB = offsetB + batch * strideB;
    INT64 baseC = offsetC + batch * strideC;
    float acc[AIP_GEMM_PER_ITEM * AIP_GEMM_PER_ITEM];
    for (int i = 0; i < AIP_GEMM_PER_ITEM * AIP_GEMM_PER_ITEM; ++i) {
        acc[i] = 0.0f;
    }
    for (int k0 = 0; k0 < k; k0 += AIP_GEMM_DEPTH) {
        /* Each item stages 4 elements of each tile; neighbouring items read neighbouring addresses of the stored
           matrix, whichever way it is transposed. */
        for (int l = 0; l < AIP_GEMM_PER_ITEM; ++l) {
            int e = item + l * AIP_GEMM_ITEMS * AIP_GEMM_ITEMS;
            int mm = transA != 0 ? e % AIP_GEMM_BLOCK : e / AIP_GEMM_DEPTH;
            int kk = transA != 0 ? e / AIP_GEMM_BLOCK : e % AIP_GEMM_DEPTH;
            int gm = row0 + mm;
            int gk = k0 + kk;
            float value = 0.0f;
            if (gm < m && gk < k) {
                INT64 index = transA != 0 ? (INT64)gk * lda + gm : (INT64)gm * lda + gk;
                value = aip_load(a, baseA + index, type);
            }
            tileA[kk * AIP_GEMM_BLOCK + mm] = value;

            int nn = transB != 0 ? e / AIP_GEMM_DEPTH : e % AIP_GEMM_BLOCK;
            int kb = transB != 0 ? e % AIP_GEMM_DEPTH : e / AIP_GEMM_BLOCK;
            int gn = col0 + nn;
            int gkb = k0 + kb;
            value = 0.0f;
            if (gn < n && gkb < k) {
                INT64 index = transB != 0 ? (INT64)gn * ldb + gkb : (INT64)gkb * ldb + gn;
                value = aip_load(b, baseB + index, type);
            }
            tileB[kb * AIP_GEMM_BLOCK + nn] = value;
        }
        BARRIER();
        for (int kk = 0; kk < AIP_GEMM_DEPTH; ++kk) {
            float av[AIP_GEMM_PER_ITEM];
            float bv[AIP_GEMM_PER_ITEM];
            for (int i = 0; i < AIP_GEMM_PER_ITEM; ++i) {
                av[i] = tileA[kk * AIP_GEMM_BLOCK + ty + i * AIP_GEMM_ITEMS];
                bv[i] = tileB[kk * AIP_GEMM_BLOCK + tx + i * AIP_GEMM_ITEMS];
            }
            for (int i = 0; i < AIP_GEMM_PER_ITEM; ++i) {
                for (int j = 0; j < AIP_GEMM_PER_ITEM; ++j) {
                    acc[i * AIP_GEMM_PER_ITEM + j] += av[i] * bv[j];
                }
            }
        }
        BARRIER();
    }
    for (int i = 0; i < AIP_GEMM_PER_ITEM; ++i) {
        int gm = row0 + ty + i * AIP_GEMM_ITEMS;
        for (int j = 0; j < AIP_GEMM_PER_ITEM; ++j) {
            int gn = col0 + tx + j * AIP_GEMM_ITEMS;
            if (gm < m && gn < n) {
                INT64 index = baseC + (INT64)gm * ldc + gn;
                float value = alpha * acc[i * AIP_GEMM_PER_ITEM + j];
                /* beta 0 ignores C's contents, even NaN, as BLAS does. */
                if (beta != 0.0f) {
                    value += beta * aip_load(c, index, type);
                }
                aip_store(c, index, type, value);
            }
        }
    }
}
