/* Shared helpers of the bundled kernels, in the portable dialect (see PortableKernelDialect). */

/* Work-group size of the row kernels (one group per row); the host launches them with exactly this many items. */
#define AIP_GROUP 256

/* Element-wise kernels stride over the whole range, so the host can cap the number of groups. */
#define AIP_FOR_EACH(i, n) for (INT64 i = GLOBAL_ID(0); i < (n); i += (INT64)NUM_GROUPS(0) * LOCAL_SIZE(0))

/* Element types, numbered as AiProfiler.Abstractions.Devices.DataType. */
#define AIP_FP32 0
#define AIP_FP16 1
#define AIP_BF16 2

/*
 * Sum of v over the first `size` items of the work group (size a power of two, at most the group size and the
 * scratch length); every item gets the total. All items of the group must call it.
 */
DEVICE_FN float aip_group_sum(LOCAL_PTR float* scratch, float v, int size)
{
    int t = LOCAL_ID(0);
    if (t < size) {
        scratch[t] = v;
    }
    BARRIER();
    for (int stride = size / 2; stride > 0; stride /= 2) {
        if (t < stride) {
            scratch[t] += scratch[t + stride];
        }
        BARRIER();
    }
    float total = scratch[0];
    BARRIER();
    return total;
}

/* Maximum of v over the first `size` items of the work group; like aip_group_sum. */
DEVICE_FN float aip_group_max(LOCAL_PTR float* scratch, float v, int size)
{
    int t = LOCAL_ID(0);
    if (t < size) {
        scratch[t] = v;
    }
    BARRIER();
    for (int stride = size / 2; stride > 0; stride /= 2) {
        if (t < stride) {
            scratch[t] = FMAX(scratch[t], scratch[t + stride]);
        }
        BARRIER();
    }
    float total = scratch[0];
    BARRIER();
    return total;
}

/* Column kernels: a group covers AIP_COLUMNS columns with AIP_GROUP / AIP_COLUMNS row lanes, then folds the lanes. */
#define AIP_COLUMNS 32
#define AIP_ROW_LANES (AIP_GROUP / AIP_COLUMNS)

/*
 * Adds the partial column sum v of this item's (column, lane) to out[column] once the group's lanes are folded; no
 * atomics, because each group owns its columns. All items of the group must call it.
 */
DEVICE_FN void aip_column_accumulate(LOCAL_PTR float* part, float v, GLOBAL float* out, int cols)
{
    int t = LOCAL_ID(0);
    int lane = t / AIP_COLUMNS;
    int column = GROUP_ID(0) * AIP_COLUMNS + t % AIP_COLUMNS;
    part[t] = v;
    BARRIER();
    if (lane == 0 && column < cols) {
        float total = 0.0f;
        for (int l = 0; l < AIP_ROW_LANES; ++l) {
            total += part[t + l * AIP_COLUMNS];
        }
        out[column] += total;
    }
    BARRIER();
}

/* exp(x - rowMax), with masked (-inf) inputs giving exactly 0 even when the whole row is masked. */
DEVICE_FN float aip_exp_shifted(float x, float rowMax)
{
    return x == NEG_INF ? 0.0f : EXP(x - rowMax);
}

/* fp32 to IEEE binary16 bits, rounding to nearest even; NaN stays NaN, overflow becomes infinity. */
DEVICE_FN unsigned int aip_f32_to_f16_bits(float value)
{
    unsigned int x = FLOAT_AS_UINT(value);
    unsigned int sign = (x >> 16) & 0x8000u;
    unsigned int magnitude = x & 0x7fffffffu;
    if (magnitude >= 0x7f800000u) {
        return sign | (magnitude > 0x7f800000u ? 0x7e00u : 0x7c00u);
    }
    /* 65520 is halfway between the largest half (65504, odd mantissa) and 65536, so it and above round to inf. */
    if (magnitude >= 0x477ff000u) {
        return sign | 0x7c00u;
    }
    if (magnitude >= 0x38800000u) {
        /* Normal half: rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits to nearest even. */
        unsigned int odd = (magnitude >> 13) & 1u;
        magnitude += 0xc8000fffu + odd;
        return sign | (magnitude >> 13);
    }
    /* At most half the smallest subnormal (2^-25) rounds to zero (a tie goes to the even zero). */
    if (magnitude <= 0x33000000u) {
        return sign;
    }
    /* Subnormal half: the 24-bit significand shifted right by 14 to 24 bits, rounded to nearest even. */
    unsigned int exponent = magnitude >> 23;
    unsigned int significand = (magnitude & 0x7fffffu) | 0x800000u;
    unsigned int shift = 126u - exponent;
    unsigned int quotient = significand >> shift;
    unsigned int remainder = significand & ((1u << shift) - 1u);
    unsigned int halfway = 1u << (shift - 1u);
    if (remainder > halfway || (remainder == halfway && (quotient & 1u) != 0u)) {
        quotient += 1u;
    }
    return sign | quotient;
}

/* IEEE binary16 bits (low 16 bits of h) to fp32; exact. */
DEVICE_FN float aip_f16_bits_to_f32(unsigned int h)
{
    unsigned int sign = (h & 0x8000u) << 16;
    unsigned int exponent = (h >> 10) & 0x1fu;
    unsigned int mantissa = h & 0x3ffu;
    if (exponent == 0x1fu) {
        return UINT_AS_FLOAT(sign | 0x7f800000u | (mantissa << 13));
    }
    if (exponent != 0u) {
        return UINT_AS_FLOAT(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    }
    /* Zero or subnormal: mantissa * 2^-24 is exact in fp32. */
    float magnitude = (float)mantissa * 5.9604644775390625e-8f;
    return sign != 0u ? -magnitude : magnitude;
}

/* fp32 to bfloat16 bits (the upper half of the fp32), rounding to nearest even; NaN stays a quiet NaN. */
DEVICE_FN unsigned int aip_f32_to_bf16_bits(float value)
{
    unsigned int x = FLOAT_AS_UINT(value);
    if ((x & 0x7fffffffu) > 0x7f800000u) {
        return (x >> 16) | 0x0040u;
    }
    return (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
}

/* bfloat16 bits to fp32; exact. */
DEVICE_FN float aip_bf16_bits_to_f32(unsigned int h)
{
    return UINT_AS_FLOAT((h & 0xffffu) << 16);
}

/* Reads element i of a buffer holding `type` (AIP_FP32, AIP_FP16 or AIP_BF16) as fp32. */
DEVICE_FN float aip_load(const GLOBAL float* p, INT64 i, int type)
{
    if (type == AIP_FP32) {
        return p[i];
    }
    unsigned int h = ((const GLOBAL unsigned short*)p)[i];
    return type == AIP_FP16 ? aip_f16_bits_to_f32(h) : aip_bf16_bits_to_f32(h);
}

/* Writes fp32 v to element i of a buffer holding `type`, rounding to nearest even for 16-bit types. */
DEVICE_FN void aip_store(GLOBAL float* p, INT64 i, int type, float v)
{
    if (type == AIP_FP32) {
        p[i] = v;
    } else {
        unsigned int h = type == AIP_FP16 ? aip_f32_to_f16_bits(v) : aip_f32_to_bf16_bits(v);
        ((GLOBAL unsigned short*)p)[i] = (unsigned short)h;
    }
}
