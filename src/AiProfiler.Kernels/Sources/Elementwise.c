/* Element-wise kernels: activations, arithmetic, optimizer, gathers, layout changes, copies and conversions. */

/* Activation kinds, numbered as AiProfiler.Abstractions.Devices.ActivationKind. */
#define AIP_RELU 0
#define AIP_GELU 1
#define AIP_SILU 2

/* sqrt(2/pi) and the cubic coefficient of GPT-2's tanh approximation of GELU. */
#define AIP_GELU_SCALE 0.7978845608028654f
#define AIP_GELU_CUBIC 0.044715f

DEVICE_FN float aip_activation(int kind, float x)
{
    if (kind == AIP_RELU) {
        return x > 0.0f ? x : 0.0f;
    }
    if (kind == AIP_GELU) {
        float u = AIP_GELU_SCALE * (x + AIP_GELU_CUBIC * x * x * x);
        return 0.5f * x * (1.0f + TANH(u));
    }
    return x / (1.0f + EXP(-x));
}

/* f'(x). */
DEVICE_FN float aip_activation_derivative(int kind, float x)
{
    if (kind == AIP_RELU) {
        return x > 0.0f ? 1.0f : 0.0f;
    }
    if (kind == AIP_GELU) {
        float u = AIP_GELU_SCALE * (x + AIP_GELU_CUBIC * x * x * x);
        float t = TANH(u);
        float du = AIP_GELU_SCALE * (1.0f + 3.0f * AIP_GELU_CUBIC * x * x);
        return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
    }
    float s = 1.0f / (1.0f + EXP(-x));
    return s * (1.0f + x * (1.0f - s));
}

KERNEL void activation_forward(int kind, const GLOBAL float* x, GLOBAL float* y, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        y[i] = aip_activation(kind, x[i]);
    }
}

KERNEL void activation_backward(int kind, const GLOBAL float* x, const GLOBAL float* dy, GLOBAL float* dx, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        dx[i] = aip_activation_derivative(kind, x[i]) * dy[i];
    }
}

/* op numbered as AiProfiler.Abstractions.Devices.ElementwiseOp: 0 add, 1 subtract, 2 multiply. */
KERNEL void elementwise(int op, const GLOBAL float* a, const GLOBAL float* b, GLOBAL float* y, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        float u = a[i];
        float v = b[i];
        y[i] = op == 0 ? u + v : (op == 1 ? u - v : u * v);
    }
}

/* y = alpha*x + beta*y; beta 0 ignores y's contents (even NaN), so it doubles as a scaled copy. */
KERNEL void axpby(float alpha, const GLOBAL float* x, float beta, GLOBAL float* y, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        float scaled = alpha * x[i];
        y[i] = beta == 0.0f ? scaled : scaled + beta * y[i];
    }
}

KERNEL void add_bias(GLOBAL float* x, const GLOBAL float* bias, INT64 count, int cols)
{
    AIP_FOR_EACH(i, count) {
        x[i] += bias[(int)(i % cols)];
    }
}

/* One AdamW step; correction1 = 1 - beta1^t and correction2 = 1 - beta2^t come from the host. */
KERNEL void adamw(GLOBAL float* p, const GLOBAL float* g, GLOBAL float* m, GLOBAL float* v, INT64 count,
    float lr, float beta1, float beta2, float epsilon, float weightDecay, float correction1, float correction2)
{
    AIP_FOR_EACH(i, count) {
        float grad = g[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * grad;
        float vi = beta2 * v[i] + (1.0f - beta2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        float mHat = mi / correction1;
        float vHat = vi / correction2;
        float pi = p[i];
        p[i] = pi - lr * (mHat / (SQRT(vHat) + epsilon) + weightDecay * pi);
    }
}

/* y[i,:] = table[ids[i],:], zeros for ids outside [0, tableRows). */
KERNEL void embedding_gather(const GLOBAL float* table, const GLOBAL int* ids, GLOBAL float* y, INT64 total, int dim, int tableRows)
{
    AIP_FOR_EACH(i, total) {
        int row = (int)(i / dim);
        int col = (int)(i % dim);
        int id = ids[row];
        y[i] = (id >= 0 && id < tableRows) ? table[(INT64)id * dim + col] : 0.0f;
    }
}

/* dtable[ids[i],:] += dy[i,:]; repeated ids add up through atomics, ids outside the table are skipped. */
KERNEL void embedding_backward(const GLOBAL int* ids, const GLOBAL float* dy, GLOBAL float* dtable, INT64 total, int dim, int tableRows)
{
    AIP_FOR_EACH(i, total) {
        int row = (int)(i / dim);
        int col = (int)(i % dim);
        int id = ids[row];
        if (id >= 0 && id < tableRows) {
            ATOMIC_ADD_F(dtable + (INT64)id * dim + col, dy[i]);
        }
    }
}

/* scores[b,i,j] = -inf where j > offset + i; total = batches*rows*cols. */
KERNEL void causal_mask(GLOBAL float* scores, INT64 total, int rows, int cols, int offset)
{
    AIP_FOR_EACH(i, total) {
        int col = (int)(i % cols);
        int row = (int)((i / cols) % rows);
        if (col > offset + row) {
            scores[i] = NEG_INF;
        }
    }
}

/* [batch, dim1, dim2, inner] -> [batch, dim2, dim1, inner], one item per output element (coalesced writes). */
KERNEL void swap_axes(const GLOBAL float* x, GLOBAL float* y, INT64 total, int dim1, int dim2, int inner)
{
    AIP_FOR_EACH(o, total) {
        INT64 e = o % inner;
        INT64 q = o / inner;
        INT64 i1 = q % dim1;
        q /= dim1;
        INT64 i2 = q % dim2;
        INT64 b = q / dim2;
        y[o] = x[((b * dim1 + i1) * dim2 + i2) * inner + e];
    }
}

/* Copies of 4-byte (fp32, int32) and 2-byte (fp16, bf16) elements at element offsets. */
KERNEL void copy_u32(const GLOBAL unsigned int* source, INT64 sourceOffset, GLOBAL unsigned int* destination, INT64 destinationOffset, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        destination[destinationOffset + i] = source[sourceOffset + i];
    }
}

KERNEL void copy_u16(const GLOBAL unsigned short* source, INT64 sourceOffset, GLOBAL unsigned short* destination, INT64 destinationOffset, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        destination[destinationOffset + i] = source[sourceOffset + i];
    }
}

/* Fills with a bit pattern the host encoded for the buffer's type. */
KERNEL void fill_u32(GLOBAL unsigned int* buffer, int bits, INT64 offset, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        buffer[offset + i] = (unsigned int)bits;
    }
}

KERNEL void fill_u16(GLOBAL unsigned short* buffer, int bits, INT64 offset, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        buffer[offset + i] = (unsigned short)bits;
    }
}

KERNEL void f32_to_f16(const GLOBAL float* source, GLOBAL unsigned short* destination, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        destination[i] = (unsigned short)aip_f32_to_f16_bits(source[i]);
    }
}

KERNEL void f16_to_f32(const GLOBAL unsigned short* source, GLOBAL float* destination, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        destination[i] = aip_f16_bits_to_f32(source[i]);
    }
}

KERNEL void f32_to_bf16(const GLOBAL float* source, GLOBAL unsigned short* destination, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        destination[i] = (unsigned short)aip_f32_to_bf16_bits(source[i]);
    }
}

KERNEL void bf16_to_f32(const GLOBAL unsigned short* source, GLOBAL float* destination, INT64 count)
{
    AIP_FOR_EACH(i, count) {
        destination[i] = aip_bf16_bits_to_f32(source[i]);
    }
}
