/* Reductions: sums, softmax and cross-entropy. Row kernels run one group of AIP_GROUP items per row. */

/* y[c] += sum over rows of x[r,c]. */
KERNEL void sum_columns(const GLOBAL float* x, GLOBAL float* y, int rows, int cols)
{
    LOCAL float part[AIP_GROUP];
    int t = LOCAL_ID(0);
    int column = GROUP_ID(0) * AIP_COLUMNS + t % AIP_COLUMNS;
    float s = 0.0f;
    if (column < cols) {
        for (int r = t / AIP_COLUMNS; r < rows; r += AIP_ROW_LANES) {
            s += x[(INT64)r * cols + column];
        }
    }
    aip_column_accumulate(part, s, y, cols);
}

/* Adds this group's share of x to result[0]; the host zeroes result[0] first. */
KERNEL void sum_partial(const GLOBAL float* x, GLOBAL float* result, INT64 count)
{
    LOCAL float scratch[AIP_GROUP];
    float s = 0.0f;
    AIP_FOR_EACH(i, count) {
        s += x[i];
    }
    s = aip_group_sum(scratch, s, AIP_GROUP);
    if (LOCAL_ID(0) == 0) {
        ATOMIC_ADD_F(result, s);
    }
}

KERNEL void softmax_forward(const GLOBAL float* x, GLOBAL float* y, int cols)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    INT64 base = (INT64)GROUP_ID(0) * cols;
    float rowMax = NEG_INF;
    for (int c = t; c < cols; c += AIP_GROUP) {
        rowMax = FMAX(rowMax, x[base + c]);
    }
    rowMax = aip_group_max(scratch, rowMax, AIP_GROUP);
    float s = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        s += aip_exp_shifted(x[base + c], rowMax);
    }
    s = aip_group_sum(scratch, s, AIP_GROUP);
    float inverse = s > 0.0f ? 1.0f / s : 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        y[base + c] = aip_exp_shifted(x[base + c], rowMax) * inverse;
    }
}

/* dx = y * (dy - sum_j dy_j * y_j) per row. */
KERNEL void softmax_backward(const GLOBAL float* y, const GLOBAL float* dy, GLOBAL float* dx, int cols)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    INT64 base = (INT64)GROUP_ID(0) * cols;
    float dot = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        dot += dy[base + c] * y[base + c];
    }
    dot = aip_group_sum(scratch, dot, AIP_GROUP);
    for (int c = t; c < cols; c += AIP_GROUP) {
        dx[base + c] = y[base + c] * (dy[base + c] - dot);
    }
}

/*
 * losses[r] = logsumexp(logits[r]) - logits[r, t_r]; dlogits[r,:] = (softmax(logits[r]) - onehot(t_r)) / rows.
 * A target outside [0, cols) marks an ignored row: loss 0 and a zero gradient.
 */
KERNEL void cross_entropy(const GLOBAL float* logits, const GLOBAL int* targets, GLOBAL float* losses, GLOBAL float* dlogits, int rows, int cols)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    int row = GROUP_ID(0);
    INT64 base = (INT64)row * cols;
    int target = targets[row];
    int valid = target >= 0 && target < cols;
    float rowMax = NEG_INF;
    for (int c = t; c < cols; c += AIP_GROUP) {
        rowMax = FMAX(rowMax, logits[base + c]);
    }
    rowMax = aip_group_max(scratch, rowMax, AIP_GROUP);
    float s = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        s += aip_exp_shifted(logits[base + c], rowMax);
    }
    s = aip_group_sum(scratch, s, AIP_GROUP);
    float inverseRows = 1.0f / (float)rows;
    for (int c = t; c < cols; c += AIP_GROUP) {
        float p = aip_exp_shifted(logits[base + c], rowMax) / s;
        dlogits[base + c] = valid ? (p - (c == target ? 1.0f : 0.0f)) * inverseRows : 0.0f;
    }
    if (t == 0) {
        losses[row] = valid ? (rowMax + LOG(s)) - logits[base + target] : 0.0f;
    }
}
