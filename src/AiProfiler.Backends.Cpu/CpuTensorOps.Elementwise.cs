using System.Numerics.Tensors;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

// Element-wise operations, reductions and the optimizer update, in chunks spread over cores.
internal sealed unsafe partial class CpuTensorOps
{
    private const float GeluC = 0.7978845608028654f;
    private const float GeluK = 0.044715f;

    protected override void ActivationCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        float* px = Ptr(x), py = Ptr(y);
        Chunks(count, (from, n) =>
        {
            var xs = new ReadOnlySpan<float>(px + from, n);
            var ys = new Span<float>(py + from, n);
            switch (kind)
            {
                case ActivationKind.Relu:
                    TensorPrimitives.Max(xs, 0f, ys);
                    break;
                case ActivationKind.Gelu:
                    VectorMath.Gelu(xs, ys, GeluC, GeluK);
                    break;
                default:
                    VectorMath.Silu(xs, ys);
                    break;
            }
        });
    }

    protected override void ActivationBackwardCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        float* px = Ptr(x), pdy = Ptr(dy), pdx = Ptr(dx);
        Chunks(count, (from, n) =>
        {
            for (var i = from; i < from + n; i++)
            {
                var v = px[i];
                float d;
                switch (kind)
                {
                    case ActivationKind.Relu:
                        d = v > 0 ? 1f : 0f;
                        break;
                    case ActivationKind.Gelu:
                        var t = MathF.Tanh(GeluC * (v + (GeluK * v * v * v)));
                        d = (0.5f * (1f + t)) + (0.5f * v * (1f - (t * t)) * GeluC * (1f + (3f * GeluK * v * v)));
                        break;
                    default:
                        var s = 1f / (1f + MathF.Exp(-v));
                        d = s * (1f + (v * (1f - s)));
                        break;
                }

                pdx[i] = d * pdy[i];
            }
        });
    }

    protected override void ElementwiseCore(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        float* pa = Ptr(a), pb = Ptr(b), py = Ptr(y);
        Chunks(count, (from, n) =>
        {
            var xa = new ReadOnlySpan<float>(pa + from, n);
            var xb = new ReadOnlySpan<float>(pb + from, n);
            var ys = new Span<float>(py + from, n);
            switch (op)
            {
                case ElementwiseOp.Add:
                    TensorPrimitives.Add(xa, xb, ys);
                    break;
                case ElementwiseOp.Subtract:
                    TensorPrimitives.Subtract(xa, xb, ys);
                    break;
                default:
                    TensorPrimitives.Multiply(xa, xb, ys);
                    break;
            }
        });
    }

    protected override void AxpbyCore(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        float* px = Ptr(x), py = Ptr(y);
        Chunks(count, (from, n) =>
        {
            var xs = new ReadOnlySpan<float>(px + from, n);
            var ys = new Span<float>(py + from, n);
            if (beta == 0)
            {
                TensorPrimitives.Multiply(xs, alpha, ys);
            }
            else
            {
                TensorPrimitives.Multiply(ys, beta, ys);
                TensorPrimitives.MultiplyAdd(xs, alpha, ys, ys);
            }
        });
    }

    protected override void AddBiasCore(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        float* px = Ptr(x), pb = Ptr(bias);
        Rows(rows, cols, r => TensorPrimitives.Add(Row(px, r, cols), new ReadOnlySpan<float>(pb, cols), Row(px, r, cols)));
    }

    protected override void SumColumnsCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        float* px = Ptr(x), py = Ptr(y);
        var acc = new Span<float>(py, cols);
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(Row(px, r, cols), acc, acc);
        }
    }

    protected override void SumCore(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        float* px = Ptr(x), pr = Ptr(result);
        double total = 0;
        for (long from = 0; from < count; from += int.MaxValue / 2)
        {
            total += TensorPrimitives.Sum(new ReadOnlySpan<float>(px + from, (int)Math.Min(int.MaxValue / 2, count - from)));
        }

        pr[0] = (float)total;
    }

    protected override void AdamWCore(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper)
    {
        float* pp = Ptr(parameters), pg = Ptr(gradients), pm = Ptr(m), pv = Ptr(v);
        var h = hyper;
        var c1 = 1f / (1f - MathF.Pow(h.Beta1, h.Step));
        var c2 = 1f / (1f - MathF.Pow(h.Beta2, h.Step));
        Chunks(count, (from, n) =>
        {
            for (var i = from; i < from + n; i++)
            {
                var g = pg[i];
                var mi = (h.Beta1 * pm[i]) + ((1f - h.Beta1) * g);
                var vi = (h.Beta2 * pv[i]) + ((1f - h.Beta2) * g * g);
                pm[i] = mi;
                pv[i] = vi;
                pp[i] -= h.LearningRate * (((mi * c1) / (MathF.Sqrt(vi * c2) + h.Epsilon)) + (h.WeightDecay * pp[i]));
            }
        });
    }

    /// <summary>
    /// 0.5·x·(1 + tanh(c·(x + k·x³))), vectorized a slice at a time through a stack buffer: the scalar tanh made GELU
    /// cost more than the 16 MiB weight read next to it in a decode step.
    /// </summary>
}
