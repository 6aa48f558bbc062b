using System.Numerics.Tensors;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

// Row-wise operations: softmax, the causal mask, layer and RMS normalization with their backward forms, and cross-entropy.
internal sealed unsafe partial class CpuTensorOps
{
    protected override void SoftmaxCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        float* px = Ptr(x), py = Ptr(y);
        Rows(rows, cols, r => SoftmaxRow(Row(px, r, cols), Row(py, r, cols)));
    }

    protected override void SoftmaxBackwardCore(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        float* py = Ptr(y), pdy = Ptr(dy), pdx = Ptr(dx);
        Rows(rows, cols, r =>
        {
            var yr = Row(py, r, cols);
            var dyr = Row(pdy, r, cols);
            var dxr = Row(pdx, r, cols);
            var dot = TensorPrimitives.Dot(dyr, yr);
            TensorPrimitives.Subtract(dyr, dot, dxr);
            TensorPrimitives.Multiply(dxr, yr, dxr);
        });
    }

    protected override void CausalMaskCore(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        var p = Ptr(scores);
        Rows(batches * rows, cols, br =>
        {
            var i = br % rows;
            var first = Math.Max(0, Math.Min(cols, offset + i + 1));
            Row(p, br, cols)[first..].Fill(float.NegativeInfinity);
        });
    }

    protected override void LayerNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        float* px = Ptr(x), pg = Ptr(gamma), pb = Ptr(beta), py = Ptr(y), pm = Ptr(mean), pr = Ptr(rstd);
        Rows(rows, cols, r =>
        {
            var xr = Row(px, r, cols);
            var yr = Row(py, r, cols);
            var mu = TensorPrimitives.Sum(xr) / cols;
            TensorPrimitives.Subtract(xr, mu, yr);
            var variance = TensorPrimitives.SumOfSquares(yr) / cols;
            var rs = 1f / MathF.Sqrt(variance + epsilon);
            pm[r] = mu;
            pr[r] = rs;
            TensorPrimitives.Multiply(yr, rs, yr);
            TensorPrimitives.FusedMultiplyAdd(yr, new ReadOnlySpan<float>(pg, cols), new ReadOnlySpan<float>(pb, cols), yr);
        });
    }

    protected override void LayerNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols)
    {
        float* px = Ptr(x), pg = Ptr(gamma), pm = Ptr(mean), pr = Ptr(rstd), pdy = Ptr(dy), pdx = Ptr(dx);
        float* pdg = Ptr(dgamma), pdb = Ptr(dbeta);
        Rows(rows, cols, r =>
        {
            var xhat = new float[cols];
            var g = new float[cols];
            var xr = Row(px, r, cols);
            TensorPrimitives.Subtract(xr, pm[r], xhat);
            TensorPrimitives.Multiply(xhat, pr[r], xhat);
            TensorPrimitives.Multiply(Row(pdy, r, cols), new ReadOnlySpan<float>(pg, cols), g);
            var meanG = TensorPrimitives.Sum(g) / cols;
            var meanGx = TensorPrimitives.Dot(g, xhat) / cols;
            var dxr = Row(pdx, r, cols);
            for (var c = 0; c < cols; c++)
            {
                dxr[c] = pr[r] * (g[c] - meanG - (xhat[c] * meanGx));
            }
        });
        var row = new float[cols];
        for (var r = 0; r < rows; r++)
        {
            var dyr = Row(pdy, r, cols);
            TensorPrimitives.Subtract(Row(px, r, cols), pm[r], row);
            TensorPrimitives.Multiply(row, pr[r], row);
            TensorPrimitives.FusedMultiplyAdd(dyr, row, new ReadOnlySpan<float>(pdg, cols), new Span<float>(pdg, cols));
            TensorPrimitives.Add(dyr, new ReadOnlySpan<float>(pdb, cols), new Span<float>(pdb, cols));
        }
    }

    protected override void RmsNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        float* px = Ptr(x), pg = Ptr(gamma), py = Ptr(y), pr = Ptr(rstd);
        Rows(rows, cols, r =>
        {
            var xr = Row(px, r, cols);
            var rs = 1f / MathF.Sqrt((TensorPrimitives.SumOfSquares(xr) / cols) + epsilon);
            pr[r] = rs;
            var yr = Row(py, r, cols);
            TensorPrimitives.Multiply(xr, rs, yr);
            TensorPrimitives.Multiply(yr, new ReadOnlySpan<float>(pg, cols), yr);
        });
    }

    protected override void RmsNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols)
    {
        float* px = Ptr(x), pg = Ptr(gamma), pr = Ptr(rstd), pdy = Ptr(dy), pdx = Ptr(dx), pdg = Ptr(dgamma);
        Rows(rows, cols, r =>
        {
            var g = new float[cols];
            var xr = Row(px, r, cols);
            TensorPrimitives.Multiply(Row(pdy, r, cols), new ReadOnlySpan<float>(pg, cols), g);
            var rs = pr[r];
            var meanGx = TensorPrimitives.Dot(g, xr) / cols;
            var dxr = Row(pdx, r, cols);
            for (var c = 0; c < cols; c++)
            {
                dxr[c] = rs * (g[c] - (xr[c] * rs * rs * meanGx));
            }
        });
        var row = new float[cols];
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Multiply(Row(px, r, cols), pr[r], row);
            TensorPrimitives.FusedMultiplyAdd(Row(pdy, r, cols), row, new ReadOnlySpan<float>(pdg, cols), new Span<float>(pdg, cols));
        }
    }

    protected override void CrossEntropyCore(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        float* pl = Ptr(logits), ploss = Ptr(losses), pd = Ptr(dlogits);
        var pt = IntPtr(targets);
        var scale = 1f / rows;
        Rows(rows, cols, r =>
        {
            var t = pt[r];
            var d = Row(pd, r, cols);
            if (t < 0 || t >= cols)
            {
                ploss[r] = 0;
                d.Clear();
                return;
            }

            var lr = Row(pl, r, cols);
            var max = VectorMath.Max(lr);
            lr.CopyTo(d);
            var sum = VectorMath.ExpShifted(d, max);
            ploss[r] = MathF.Log(sum) + max - lr[t];
            TensorPrimitives.Multiply(d, scale / sum, d);
            d[t] -= scale;
        });
    }

    private static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        var max = VectorMath.Max(x);
        if (float.IsNegativeInfinity(max))
        {
            y.Clear();
            return;
        }

        x.CopyTo(y);
        TensorPrimitives.Multiply(y, 1f / VectorMath.ExpShifted(y, max), y);
    }
}
