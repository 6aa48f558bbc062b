/*
 * Layer and RMS normalization. The forward kernels and the dx kernels run one group per row; the dgamma/dbeta
 * kernels reduce over rows per column group (aip_column_accumulate), so no atomics are needed.
 */

KERNEL void layer_norm_forward(const GLOBAL float* x, const GLOBAL float* gamma, const GLOBAL float* beta, GLOBAL float* y,
    GLOBAL float* mean, GLOBAL float* rstd, int cols, float epsilon)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    int row = GROUP_ID(0);
    INT64 base = (INT64)row * cols;
    float s = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        s += x[base + c];
    }
    float mu = aip_group_sum(scratch, s, AIP_GROUP) / (float)cols;
    /* Two passes over the row keep the variance accurate when the mean is large. */
    float squares = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        float d = x[base + c] - mu;
        squares += d * d;
    }
    float variance = aip_group_sum(scratch, squares, AIP_GROUP) / (float)cols;
    float r = RSQRT(variance + epsilon);
    for (int c = t; c < cols; c += AIP_GROUP) {
        y[base + c] = (x[base + c] - mu) * r * gamma[c] + beta[c];
    }
    if (t == 0) {
        mean[row] = mu;
        rstd[row] = r;
    }
}

/* dx = rstd * (dy*gamma - mean_c(dy*gamma) - xhat * mean_c(dy*gamma*xhat)). */
KERNEL void layer_norm_backward_input(const GLOBAL float* x, const GLOBAL float* gamma, const GLOBAL float* mean,
    const GLOBAL float* rstd, const GLOBAL float* dy, GLOBAL float* dx, int cols)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    int row = GROUP_ID(0);
    INT64 base = (INT64)row * cols;
    float mu = mean[row];
    float r = rstd[row];
    float sumG = 0.0f;
    float sumGX = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        float g = dy[base + c] * gamma[c];
        sumG += g;
        sumGX += g * (x[base + c] - mu) * r;
    }
    float meanG = aip_group_sum(scratch, sumG, AIP_GROUP) / (float)cols;
    float meanGX = aip_group_sum(scratch, sumGX, AIP_GROUP) / (float)cols;
    for (int c = t; c < cols; c += AIP_GROUP) {
        float xhat = (x[base + c] - mu) * r;
        dx[base + c] = r * (dy[base + c] * gamma[c] - meanG - xhat * meanGX);
    }
}

/* dgamma[c] += sum_r dy*xhat; dbeta[c] += sum_r dy. */
KERNEL void layer_norm_backward_params(const GLOBAL float* x, const GLOBAL float* mean, const GLOBAL float* rstd,
    const GLOBAL float* dy, GLOBAL float* dgamma, GLOBAL float* dbeta, int rows, int cols)
{
    LOCAL float part[AIP_GROUP];
    int t = LOCAL_ID(0);
    int column = GROUP_ID(0) * AIP_COLUMNS + t % AIP_COLUMNS;
    float sumGamma = 0.0f;
    float sumBeta = 0.0f;
    if (column < cols) {
        for (int r = t / AIP_COLUMNS; r < rows; r += AIP_ROW_LANES) {
            INT64 i = (INT64)r * cols + column;
            float d = dy[i];
            sumGamma += d * (x[i] - mean[r]) * rstd[r];
            sumBeta += d;
        }
    }
    aip_column_accumulate(part, sumGamma, dgamma, cols);
    aip_column_accumulate(part, sumBeta, dbeta, cols);
}

KERNEL void rms_norm_forward(const GLOBAL float* x, const GLOBAL float* gamma, GLOBAL float* y, GLOBAL float* rstd,
    int cols, float epsilon)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    int row = GROUP_ID(0);
    INT64 base = (INT64)row * cols;
    float squares = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        float v = x[base + c];
        squares += v * v;
    }
    float r = RSQRT(aip_group_sum(scratch, squares, AIP_GROUP) / (float)cols + epsilon);
    for (int c = t; c < cols; c += AIP_GROUP) {
        y[base + c] = x[base + c] * r * gamma[c];
    }
    if (t == 0) {
        rstd[row] = r;
    }
}

/* dx = rstd * (dy*gamma - x * rstd^2 * mean_c(dy*gamma*x)). */
KERNEL void rms_norm_backward_input(const GLOBAL float* x, const GLOBAL float* gamma, const GLOBAL float* rstd,
    const GLOBAL float* dy, GLOBAL float* dx, int cols)
{
    LOCAL float scratch[AIP_GROUP];
    int t = LOCAL_ID(0);
    int row = GROUP_ID(0);
    INT64 base = (INT64)row * cols;
    float r = rstd[row];
    float dot = 0.0f;
    for (int c = t; c < cols; c += AIP_GROUP) {
        dot += dy[base + c] * gamma[c] * x[base + c];
    }
    float meanDot = aip_group_sum(scratch, dot, AIP_GROUP) / (float)cols;
    for (int c = t; c < cols; c += AIP_GROUP) {
        dx[base + c] = r * (dy[base + c] * gamma[c] - x[base + c] * r * r * meanDot);
    }
}

/* dgamma[c] += sum_r dy*x*rstd. */
KERNEL void rms_norm_backward_params(const GLOBAL float* x, const GLOBAL float* rstd, const GLOBAL float* dy,
    GLOBAL float* dgamma, int rows, int cols)
{
    LOCAL float part[AIP_GROUP];
    int t = LOCAL_ID(0);
    int column = GROUP_ID(0) * AIP_COLUMNS + t % AIP_COLUMNS;
    float s = 0.0f;
    if (column < cols) {
        for (int r = t / AIP_COLUMNS; r < rows; r += AIP_ROW_LANES) {
            INT64 i = (INT64)r * cols + column;
            s += dy[i] * x[i] * rstd[r];
        }
    }
    aip_column_accumulate(part, s, dgamma, cols);
}
