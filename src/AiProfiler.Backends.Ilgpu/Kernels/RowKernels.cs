using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Row kernels (softmax, normalizations, cross-entropy): a work group reduces one row at a time and strides over the
/// rows, so the host can launch as few groups as suit the device (one per row on GPUs, one in all on the emulator).
/// </summary>
internal static class RowKernels
{
    [IlgpuKernel]
    public static void SoftmaxForward(ArrayView<float> x, ArrayView<float> y, int rows, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var max = float.NegativeInfinity;
            for (var c = t; c < cols; c += step)
            {
                max = MathF.Max(max, x[row + c]);
            }

            max = GroupMath.Max(scratch, max);
            var sum = 0f;
            for (var c = t; c < cols; c += step)
            {
                sum += GroupMath.ExpShifted(x[row + c], max);
            }

            sum = GroupMath.Sum(scratch, sum);
            var inverse = sum > 0f ? 1f / sum : 0f;
            for (var c = t; c < cols; c += step)
            {
                y[row + c] = GroupMath.ExpShifted(x[row + c], max) * inverse;
            }
        }
    }

    /// <summary>dx = y·(dy − Σ dy·y) per row.</summary>
    [IlgpuKernel]
    public static void SoftmaxBackward(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int rows, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var dot = 0f;
            for (var c = t; c < cols; c += step)
            {
                dot += dy[row + c] * y[row + c];
            }

            dot = GroupMath.Sum(scratch, dot);
            for (var c = t; c < cols; c += step)
            {
                dx[row + c] = y[row + c] * (dy[row + c] - dot);
            }
        }
    }

    [IlgpuKernel]
    public static void LayerNormForward(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
        ArrayView<float> mean, ArrayView<float> rstd, int rows, int cols, float epsilon)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var sum = 0f;
            for (var c = t; c < cols; c += step)
            {
                sum += x[row + c];
            }

            var mu = GroupMath.Sum(scratch, sum) / cols;

            // A second pass over the row keeps the variance accurate when the mean is large.
            var squares = 0f;
            for (var c = t; c < cols; c += step)
            {
                var d = x[row + c] - mu;
                squares += d * d;
            }

            var inverse = 1f / MathF.Sqrt(GroupMath.Sum(scratch, squares) / cols + epsilon);
            for (var c = t; c < cols; c += step)
            {
                y[row + c] = (x[row + c] - mu) * inverse * gamma[c] + beta[c];
            }

            if (t == 0)
            {
                mean[r] = mu;
                rstd[r] = inverse;
            }
        }
    }

    /// <summary>dx = rstd·(dy·γ − mean(dy·γ) − x̂·mean(dy·γ·x̂)).</summary>
    [IlgpuKernel]
    public static void LayerNormBackwardInput(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> rstd,
        ArrayView<float> dy, ArrayView<float> dx, int rows, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var mu = mean[r];
            var inverse = rstd[r];
            var sumG = 0f;
            var sumGX = 0f;
            for (var c = t; c < cols; c += step)
            {
                var g = dy[row + c] * gamma[c];
                sumG += g;
                sumGX += g * (x[row + c] - mu) * inverse;
            }

            var meanG = GroupMath.Sum(scratch, sumG) / cols;
            var meanGX = GroupMath.Sum(scratch, sumGX) / cols;
            for (var c = t; c < cols; c += step)
            {
                var xhat = (x[row + c] - mu) * inverse;
                dx[row + c] = inverse * (dy[row + c] * gamma[c] - meanG - xhat * meanGX);
            }
        }
    }

    [IlgpuKernel]
    public static void RmsNormForward(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> y, ArrayView<float> rstd, int rows, int cols, float epsilon)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var squares = 0f;
            for (var c = t; c < cols; c += step)
            {
                var v = x[row + c];
                squares += v * v;
            }

            var inverse = 1f / MathF.Sqrt(GroupMath.Sum(scratch, squares) / cols + epsilon);
            for (var c = t; c < cols; c += step)
            {
                y[row + c] = x[row + c] * inverse * gamma[c];
            }

            if (t == 0)
            {
                rstd[r] = inverse;
            }
        }
    }

    /// <summary>dx = rstd·(dy·γ − x·rstd²·mean(dy·γ·x)).</summary>
    [IlgpuKernel]
    public static void RmsNormBackwardInput(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> rstd, ArrayView<float> dy, ArrayView<float> dx, int rows, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var inverse = rstd[r];
            var dot = 0f;
            for (var c = t; c < cols; c += step)
            {
                dot += dy[row + c] * gamma[c] * x[row + c];
            }

            var meanDot = GroupMath.Sum(scratch, dot) / cols;
            for (var c = t; c < cols; c += step)
            {
                dx[row + c] = inverse * (dy[row + c] * gamma[c] - x[row + c] * inverse * inverse * meanDot);
            }
        }
    }

    /// <summary>
    /// losses[r] = logsumexp(logits[r]) − logits[r, t_r]; dlogits[r,:] = (softmax − onehot(t_r)) / rows. A target
    /// outside [0, cols) marks an ignored row: loss 0 and a zero gradient.
    /// </summary>
    [IlgpuKernel]
    public static void CrossEntropy(ArrayView<float> logits, ArrayView<int> targets, ArrayView<float> losses, ArrayView<float> dlogits, int rows, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var t = Group.IdxX;
            var step = Group.DimX;
            var row = (long)r * cols;
            var target = targets[r];
            var valid = target >= 0 && target < cols;
            var max = float.NegativeInfinity;
            for (var c = t; c < cols; c += step)
            {
                max = MathF.Max(max, logits[row + c]);
            }

            max = GroupMath.Max(scratch, max);
            var sum = 0f;
            for (var c = t; c < cols; c += step)
            {
                sum += GroupMath.ExpShifted(logits[row + c], max);
            }

            sum = GroupMath.Sum(scratch, sum);
            var inverseRows = 1f / rows;
            for (var c = t; c < cols; c += step)
            {
                var p = GroupMath.ExpShifted(logits[row + c], max) / sum;
                dlogits[row + c] = valid ? (p - (c == target ? 1f : 0f)) * inverseRows : 0f;
            }

            if (t == 0)
            {
                losses[r] = valid ? max + MathF.Log(sum) - logits[row + target] : 0f;
            }
        }
    }
}
