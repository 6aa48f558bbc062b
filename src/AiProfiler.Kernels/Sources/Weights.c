/*
 * Weights in their stored types (AiProfiler.Abstractions.Devices.DataType): fp32, fp16, bf16 and ggml's Q8_0, Q4_0,
 * Q4_K and Q6_K blocks, read byte by byte (blocks are 18, 34, 144 or 210 bytes, so their fp16 scales are not aligned).
 * A row of K values is K / block values blocks; aip_weight decodes value k of a row exactly as
 * QuantizedBlocks.Dequantize does.
 */

#define AIP_Q8_0 4
#define AIP_Q4_0 5
#define AIP_Q4_K 6
#define AIP_Q6_K 7

/* The little-endian 16-bit word at byte p. */
DEVICE_FN unsigned int aip_u16(const GLOBAL unsigned char* p)
{
    return (unsigned int)p[0] | ((unsigned int)p[1] << 8);
}

/* Six-bit scale (high byte) and min (low byte) of Q4_K sub-block `sub`, packed as QuantizedBlocks.Q4KScaleMin describes. */
DEVICE_FN int aip_q4k_scale_min(const GLOBAL unsigned char* scales, int sub)
{
    if (sub < 4) {
        return ((scales[sub] & 63) << 8) | (scales[sub + 4] & 63);
    }
    return (((scales[sub + 4] & 15) | ((scales[sub - 4] >> 6) << 4)) << 8) | ((scales[sub + 4] >> 4) | ((scales[sub] >> 6) << 4));
}

/* Value k of a weight row stored as `type`, as fp32. */
DEVICE_FN float aip_weight(const GLOBAL unsigned char* row, int k, int type)
{
    if (type == AIP_FP32) {
        return UINT_AS_FLOAT(aip_u16(row + 4 * k) | (aip_u16(row + 4 * k + 2) << 16));
    }
    if (type == AIP_FP16) {
        return aip_f16_bits_to_f32(aip_u16(row + 2 * k));
    }
    if (type == AIP_BF16) {
        return aip_bf16_bits_to_f32(aip_u16(row + 2 * k));
    }
    if (type == AIP_Q8_0) {
        const GLOBAL unsigned char* block = row + (k / 32) * 34;
        int q = (int)block[2 + k % 32];
        return (float)(q >= 128 ? q - 256 : q) * aip_f16_bits_to_f32(aip_u16(block));
    }
    if (type == AIP_Q4_0) {
        const GLOBAL unsigned char* block = row + (k / 32) * 18;
        int j = k % 32;
        int q = j < 16 ? (block[2 + j] & 15) : (block[2 + j - 16] >> 4);
        return (float)(q - 8) * aip_f16_bits_to_f32(aip_u16(block));
    }
    if (type == AIP_Q4_K) {
        const GLOBAL unsigned char* block = row + (k / 256) * 144;
        int j = k % 256;
        int chunk = j / 64;
        int high = (j % 64) >= 32 ? 1 : 0;
        int sub = 2 * chunk + high;
        int scaleMin = aip_q4k_scale_min(block + 4, sub);
        int sc = scaleMin >> 8;
        int m = scaleMin & 255;
        int byteValue = block[16 + 32 * chunk + j % 32];
        int q = high != 0 ? (byteValue >> 4) : (byteValue & 15);
        float d = aip_f16_bits_to_f32(aip_u16(block)) * (float)sc;
        float dm = aip_f16_bits_to_f32(aip_u16(block + 2)) * (float)m;
        return d * (float)q - dm;
    }
    if (type == AIP_Q6_K) {
        const GLOBAL unsigned char* block = row + (k / 256) * 210;
        int j = k % 256;
        int upper = j / 128;
        int quarter = (j % 128) / 32;
        int l = j % 32;
        int low = block[64 * upper + l + 32 * (quarter & 1)];
        low = quarter >= 2 ? (low >> 4) : (low & 15);
        int high = (block[128 + 32 * upper + l] >> (2 * quarter)) & 3;
        int scale = (int)block[192 + 8 * upper + l / 16 + 2 * quarter];
        scale = scale >= 128 ? scale - 256 : scale;
        float d = aip_f16_bits_to_f32(aip_u16(block + 208)) * (float)scale;
        return d * (float)((low | (high << 4)) - 32);
    }
    return 0.0f;
}

/*
 * x · the 8 values of unit u of a weight row: values that share a scale and sit together in memory, so a work item
 * reads a block's header (scale, packed sub-block scales) once per 8 values instead of once per value. Each value is
 * decoded with the same arithmetic as aip_weight, so only the summation order differs from a value-by-value loop.
 * Units per type: fp32/fp16/bf16 values 8u..8u+7; Q8_0 bytes 8c..8c+7 of block u/4 (c = u % 4); Q4_0 bytes 4c..4c+3
 * of block u/4, whose low nibbles are values 4c.. and high nibbles values 16 + 4c..; Q4_K and Q6_K the 8 values from
 * 8·(u % 32) of block u/32 (one sub-block scale; one 16-value scale for Q6_K).
 */
DEVICE_FN float aip_dot8(const GLOBAL unsigned char* row, int u, int type, const GLOBAL float* xr)
{
    float s = 0.0f;
    if (type == AIP_FP32) {
        const GLOBAL float* f = (const GLOBAL float*)row + 8 * u;
        const GLOBAL float* xs = xr + 8 * u;
        for (int i = 0; i < 8; i++) {
            s += xs[i] * f[i];
        }
        return s;
    }
    if (type == AIP_FP16 || type == AIP_BF16) {
        const GLOBAL unsigned short* h = (const GLOBAL unsigned short*)row + 8 * u;
        const GLOBAL float* xs = xr + 8 * u;
        for (int i = 0; i < 8; i++) {
            unsigned int bits = (unsigned int)h[i];
            s += xs[i] * (type == AIP_FP16 ? aip_f16_bits_to_f32(bits) : aip_bf16_bits_to_f32(bits));
        }
        return s;
    }
    if (type == AIP_Q8_0) {
        const GLOBAL unsigned char* block = row + (u / 4) * 34;
        int c = u % 4;
        float d = aip_f16_bits_to_f32(aip_u16(block));
        const GLOBAL float* xs = xr + (u / 4) * 32 + 8 * c;
        for (int i = 0; i < 8; i++) {
            int q = (int)block[2 + 8 * c + i];
            s += xs[i] * ((float)(q >= 128 ? q - 256 : q) * d);
        }
        return s;
    }
    if (type == AIP_Q4_0) {
        const GLOBAL unsigned char* block = row + (u / 4) * 18;
        int c = u % 4;
        float d = aip_f16_bits_to_f32(aip_u16(block));
        const GLOBAL float* xs = xr + (u / 4) * 32 + 4 * c;
        for (int i = 0; i < 4; i++) {
            int b = (int)block[2 + 4 * c + i];
            s += xs[i] * ((float)((b & 15) - 8) * d);
            s += xs[16 + i] * ((float)((b >> 4) - 8) * d);
        }
        return s;
    }
    if (type == AIP_Q4_K) {
        const GLOBAL unsigned char* block = row + (u / 32) * 144;
        int j0 = 8 * (u % 32);
        int chunk = j0 / 64;
        int high = (j0 % 64) >= 32 ? 1 : 0;
        int sub = 2 * chunk + high;
        int scaleMin = aip_q4k_scale_min(block + 4, sub);
        int sc = scaleMin >> 8;
        int m = scaleMin & 255;
        float d = aip_f16_bits_to_f32(aip_u16(block)) * (float)sc;
        float dm = aip_f16_bits_to_f32(aip_u16(block + 2)) * (float)m;
        const GLOBAL unsigned char* bytes = block + 16 + 32 * chunk + j0 % 32;
        const GLOBAL float* xs = xr + (u / 32) * 256 + j0;
        for (int i = 0; i < 8; i++) {
            int b = (int)bytes[i];
            int q = high != 0 ? (b >> 4) : (b & 15);
            s += xs[i] * (d * (float)q - dm);
        }
        return s;
    }
    if (type == AIP_Q6_K) {
        const GLOBAL unsigned char* block = row + (u / 32) * 210;
        int j0 = 8 * (u % 32);
        int upper = j0 / 128;
        int quarter = (j0 % 128) / 32;
        int l0 = j0 % 32;
        int scale = (int)block[192 + 8 * upper + l0 / 16 + 2 * quarter];
        scale = scale >= 128 ? scale - 256 : scale;
        float d = aip_f16_bits_to_f32(aip_u16(block + 208)) * (float)scale;
        const GLOBAL unsigned char* lows = block + 64 * upper + l0 + 32 * (quarter & 1);
        const GLOBAL unsigned char* highs = block + 128 + 32 * upper + l0;
        const GLOBAL float* xs = xr + (u / 32) * 256 + j0;
        for (int i = 0; i < 8; i++) {
            int low = (int)lows[i];
            low = quarter >= 2 ? (low >> 4) : (low & 15);
            int hi = ((int)highs[i] >> (2 * quarter)) & 3;
            s += xs[i] * (d * (float)((low | (hi << 4)) - 32));
        }
        return s;
    }
    return 0.0f;
}

/*
 * y[r, n] = sum_k x[r, k] * W[n, k] + beta * y[r, n]: one group per (n = GROUP_ID(0), r = GROUP_ID(1)); its items
 * stride over units of 8 values (aip_dot8), neighbouring items reading neighbouring bytes, then over the last
 * inputs % 8 values one by one (fp32, fp16 and bf16 rows only: block rows are whole blocks), and reduce in local
 * memory. W's rows are rowBytes apart. Decoding per value (one block header read and one fp16 scale converted per
 * value) held an H200 to 0.11-0.88 TB/s where cuBLAS' fp32 GEMV streamed 3.3 TB/s.
 */
KERNEL void linear_weights(const GLOBAL float* x, const GLOBAL unsigned char* w, GLOBAL float* y,
    int outputs, int inputs, INT64 rowBytes, int type, float beta)
{
    LOCAL float scratch[AIP_GROUP];
    int n = GROUP_ID(0);
    INT64 r = GROUP_ID(1);
    const GLOBAL unsigned char* row = w + (INT64)n * rowBytes;
    const GLOBAL float* xr = x + r * inputs;
    float sum = 0.0f;
    int units = inputs / 8;
    for (int u = LOCAL_ID(0); u < units; u += AIP_GROUP) {
        sum += aip_dot8(row, u, type, xr);
    }
    for (int k = 8 * units + LOCAL_ID(0); k < inputs; k += AIP_GROUP) {
        sum += xr[k] * aip_weight(row, k, type);
    }
    float total = aip_group_sum(scratch, sum, AIP_GROUP);
    if (LOCAL_ID(0) == 0) {
        INT64 i = r * outputs + n;
        y[i] = beta == 0.0f ? total : total + beta * y[i];
    }
}

/*
 * Prefill: rows [first, first + count / inputs) of W decoded into fp32 `out` (count values, row-major), one item
 * per value, so the device's GEMM engine can multiply many rows of x by the slice.
 */
KERNEL void dequantize_weight_rows(const GLOBAL unsigned char* w, GLOBAL float* out, INT64 count, int inputs,
    int first, INT64 rowBytes, int type)
{
    AIP_FOR_EACH(i, count) {
        INT64 n = first + i / inputs;
        out[i] = aip_weight(w + n * rowBytes, (int)(i % inputs), type);
    }
}

/* Prefill on cuBLAS: count values of x from `offset` rounded to fp16 or bf16 (`type`), for a half-input GEMM. */
KERNEL void linear_input_to_half(const GLOBAL float* x, INT64 offset, GLOBAL unsigned short* h, INT64 count, int type)
{
    AIP_FOR_EACH(i, count) {
        float v = x[offset + i];
        h[i] = (unsigned short)(type == AIP_FP16 ? aip_f32_to_f16_bits(v) : aip_f32_to_bf16_bits(v));
    }
}

/* y[i, :] = decoded row ids[i] of a weight table; ids outside the table give zeros. */
KERNEL void embedding_gather_weights(const GLOBAL unsigned char* table, const GLOBAL int* ids, GLOBAL float* y,
    INT64 total, int dim, int tableRows, INT64 rowBytes, int type)
{
    AIP_FOR_EACH(i, total) {
        int row = (int)(i / dim);
        int col = (int)(i % dim);
        int id = ids[row];
        y[i] = (id >= 0 && id < tableRows) ? aip_weight(table + (INT64)id * rowBytes, col, type) : 0.0f;
    }
}

/*
 * Rotary position embedding in place on x [rows, heads, headDim]: pair p of each head turns by positions[r] *
 * frequencies[p]; interleaved pairs (2p, 2p+1), otherwise (p, p + headDim/2).
 */
KERNEL void rotary(GLOBAL float* x, const GLOBAL int* positions, const GLOBAL float* frequencies,
    INT64 total, int heads, int headDim, int interleaved)
{
    int pairs = headDim / 2;
    AIP_FOR_EACH(i, total) {
        int p = (int)(i % pairs);
        INT64 rowHead = i / pairs;
        INT64 r = rowHead / heads;
        float angle = (float)positions[r] * frequencies[p];
        float c = COS(angle);
        float s = SIN(angle);
        INT64 base = rowHead * headDim;
        INT64 a = base + (interleaved != 0 ? 2 * p : p);
        INT64 b = base + (interleaved != 0 ? 2 * p + 1 : p + pairs);
        float x0 = x[a];
        float x1 = x[b];
        x[a] = x0 * c - x1 * s;
        x[b] = x0 * s + x1 * c;
    }
}
