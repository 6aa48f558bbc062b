using System.Numerics.Tensors;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The CPU implementation of every tensor operation, vectorized with <see cref="TensorPrimitives"/> and spread over
/// cores by rows. It is also the reference the accelerator kernels are tested against, so it favours clarity and
/// exact semantics (see <see cref="ITensorOps"/>) over the last few percent.
/// </summary>
internal sealed unsafe partial class CpuTensorOps(CpuGemmEngine gemm) : ITensorOps
{
    private const float GeluC = 0.7978845608028654f;
    private const float GeluK = 0.044715f;

    public string GemmImplementation => gemm.Name;

    public bool SupportsGemm(DataType type) => type == DataType.Float32;

    public void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (g.Type != DataType.Float32)
        {
            throw new NotSupportedException($"GEMM in {g.Type.ShortName()} is not supported on device 'cpu'; use fp32");
        }

        if (g.M < 0 || g.N < 0 || g.K < 0 || g.BatchCount < 1)
        {
            throw new ArgumentException($"GEMM sizes must be non-negative with at least one batch (M={g.M} N={g.N} K={g.K} batches={g.BatchCount})");
        }

        CheckGemmExtent(g, a, b, c);
        gemm.Gemm(g, Ptr(a), Ptr(b), Ptr(c));
    }

    public void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        float* px = Ptr(x, (long)rows * cols), py = Ptr(y, (long)rows * cols);
        Rows(rows, cols, r => SoftmaxRow(Row(px, r, cols), Row(py, r, cols)));
    }

    public void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols)
    {
        long n = (long)rows * cols;
        float* py = Ptr(y, n), pdy = Ptr(dy, n), pdx = Ptr(dx, n);
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

    public void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset)
    {
        var p = Ptr(scores, (long)batches * rows * cols);
        Rows(batches * rows, cols, br =>
        {
            var i = br % rows;
            var first = Math.Max(0, Math.Min(cols, offset + i + 1));
            Row(p, br, cols)[first..].Fill(float.NegativeInfinity);
        });
    }

    public void LayerNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        long n = (long)rows * cols;
        float* px = Ptr(x, n), pg = Ptr(gamma, cols), pb = Ptr(beta, cols), py = Ptr(y, n), pm = Ptr(mean, rows), pr = Ptr(rstd, rows);
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

    public void LayerNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols)
    {
        long n = (long)rows * cols;
        float* px = Ptr(x, n), pg = Ptr(gamma, cols), pm = Ptr(mean, rows), pr = Ptr(rstd, rows), pdy = Ptr(dy, n), pdx = Ptr(dx, n);
        float* pdg = Ptr(dgamma, cols), pdb = Ptr(dbeta, cols);
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

    public void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon)
    {
        long n = (long)rows * cols;
        float* px = Ptr(x, n), pg = Ptr(gamma, cols), py = Ptr(y, n), pr = Ptr(rstd, rows);
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

    public void RmsNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols)
    {
        long n = (long)rows * cols;
        float* px = Ptr(x, n), pg = Ptr(gamma, cols), pr = Ptr(rstd, rows), pdy = Ptr(dy, n), pdx = Ptr(dx, n), pdg = Ptr(dgamma, cols);
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

    public void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count)
    {
        float* px = Ptr(x, count), py = Ptr(y, count);
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
                    Gelu(xs, ys);
                    break;
                default:
                    for (var i = 0; i < n; i++)
                    {
                        var v = xs[i];
                        ys[i] = v / (1f + MathF.Exp(-v));
                    }

                    break;
            }
        });
    }

    public void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count)
    {
        float* px = Ptr(x, count), pdy = Ptr(dy, count), pdx = Ptr(dx, count);
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

    public void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count)
    {
        float* pa = Ptr(a, count), pb = Ptr(b, count), py = Ptr(y, count);
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

    public void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count)
    {
        float* px = Ptr(x, count), py = Ptr(y, count);
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

    public void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols)
    {
        float* px = Ptr(x, (long)rows * cols), pb = Ptr(bias, cols);
        Rows(rows, cols, r => TensorPrimitives.Add(Row(px, r, cols), new ReadOnlySpan<float>(pb, cols), Row(px, r, cols)));
    }

    public void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols)
    {
        float* px = Ptr(x, (long)rows * cols), py = Ptr(y, cols);
        var acc = new Span<float>(py, cols);
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(Row(px, r, cols), acc, acc);
        }
    }

    public void Sum(IDeviceBuffer x, IDeviceBuffer result, long count)
    {
        float* px = Ptr(x, count), pr = Ptr(result, 1);
        double total = 0;
        for (long from = 0; from < count; from += int.MaxValue / 2)
        {
            total += TensorPrimitives.Sum(new ReadOnlySpan<float>(px + from, (int)Math.Min(int.MaxValue / 2, count - from)));
        }

        pr[0] = (float)total;
    }

    public void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim)
    {
        var type = Cpu(table).Type;
        if (type != DataType.Float32)
        {
            CheckWeights(type, dim);
        }

        var rowLength = type.StorageLength(dim);
        var tableRows = table.Length / Math.Max(1, rowLength);
        var pt = (byte*)Cpu(table).Pointer;
        var py = Ptr(y, (long)count * dim);
        var pid = IntPtr(ids, count);
        var rowBytes = rowLength * type.SizeInBytes();
        Rows(count, dim, i =>
        {
            var id = pid[i];
            if (id >= 0 && id < tableRows)
            {
                WeightDecoder.Decode(type, pt + (id * rowBytes), py + ((long)i * dim), dim);
            }
            else
            {
                Row(py, i, dim).Clear();
            }
        });
    }

    public bool SupportsWeights(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16 || type.IsBlockQuantized();

    public void LinearWeights(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        if (rows < 0 || outputs < 0 || inputs < 0)
        {
            throw new ArgumentException($"linear layer sizes must be non-negative (rows={rows} outputs={outputs} inputs={inputs})");
        }

        var w = Cpu(weights);
        CheckWeights(w.Type, inputs);
        if ((long)outputs * w.Type.StorageLength(inputs) > w.Length)
        {
            throw new ArgumentException($"{outputs} × {inputs} {w.Type.ShortName()} weights need {(long)outputs * w.Type.StorageLength(inputs)} elements, the buffer has {w.Length}", nameof(weights));
        }

        var px = Ptr(x, (long)rows * inputs);
        var py = Ptr(y, (long)rows * outputs);
        if (rows == 0 || outputs == 0)
        {
            return;
        }

        if (inputs == 0)
        {
            Axpby(0f, y, beta, y, (long)rows * outputs);
            return;
        }

        WeightLinear.Run(gemm, w.Type, px, (byte*)w.Pointer, py, rows, outputs, inputs, beta);
    }

    public void Rotary(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved)
    {
        if (rows < 0 || heads < 0 || headDim < 0 || headDim % 2 != 0)
        {
            throw new ArgumentException($"rotary embedding needs non-negative sizes and an even head size (rows={rows} heads={heads} headDim={headDim})");
        }

        var half = headDim / 2;
        var px = Ptr(x, (long)rows * heads * headDim);
        var pf = Ptr(frequencies, half);
        var pp = IntPtr(positions, rows);
        Rows(rows, heads * headDim, r =>
        {
            Span<float> cos = stackalloc float[half];
            Span<float> sin = stackalloc float[half];
            for (var i = 0; i < half; i++)
            {
                (sin[i], cos[i]) = MathF.SinCos(pp[r] * pf[i]);
            }

            for (var h = 0; h < heads; h++)
            {
                var head = px + ((((long)r * heads) + h) * headDim);
                for (var i = 0; i < half; i++)
                {
                    var (a, b) = interleaved ? (2 * i, (2 * i) + 1) : (i, i + half);
                    float x0 = head[a], x1 = head[b];
                    head[a] = (x0 * cos[i]) - (x1 * sin[i]);
                    head[b] = (x0 * sin[i]) + (x1 * cos[i]);
                }
            }
        });
    }

    public void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim)
    {
        var tableRows = dtable.Length / Math.Max(1, dim);
        float* pdy = Ptr(dy, (long)count * dim), pt = Ptr(dtable);
        var pid = IntPtr(ids, count);
        for (var i = 0; i < count; i++)
        {
            var id = pid[i];
            if (id >= 0 && id < tableRows)
            {
                TensorPrimitives.Add(Row(pt, id, dim), Row(pdy, i, dim), Row(pt, id, dim));
            }
        }
    }

    public void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols)
    {
        long n = (long)rows * cols;
        float* pl = Ptr(logits, n), ploss = Ptr(losses, rows), pd = Ptr(dlogits, n);
        var pt = IntPtr(targets, rows);
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
            var max = TensorPrimitives.Max(lr);
            TensorPrimitives.Subtract(lr, max, d);
            TensorPrimitives.Exp(d, d);
            var sum = TensorPrimitives.Sum(d);
            ploss[r] = MathF.Log(sum) + max - lr[t];
            TensorPrimitives.Multiply(d, scale / sum, d);
            d[t] -= scale;
        });
    }

    public void AdamW(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper)
    {
        float* pp = Ptr(parameters, count), pg = Ptr(gradients, count), pm = Ptr(m, count), pv = Ptr(v, count);
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

    public void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner)
    {
        long n = (long)batch * dim1 * dim2 * inner;
        float* px = Ptr(x, n), py = Ptr(y, n);
        Rows(batch * dim1, dim2 * inner, bi =>
        {
            var b = bi / dim1;
            var i = bi % dim1;
            for (var j = 0; j < dim2; j++)
            {
                var src = px + ((((long)b * dim1 + i) * dim2 + j) * inner);
                var dst = py + ((((long)b * dim2 + j) * dim1 + i) * inner);
                Buffer.MemoryCopy(src, dst, inner * sizeof(float), inner * sizeof(float));
            }
        });
    }

    public void Copy(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count)
    {
        if (source.Type.SizeInBytes() != destination.Type.SizeInBytes())
        {
            throw new ArgumentException($"copy between {source.Type.ShortName()} and {destination.Type.ShortName()}; use Convert");
        }

        CheckRange(source, sourceOffset, count);
        CheckRange(destination, destinationOffset, count);
        var size = source.Type.SizeInBytes();
        var bytes = count * size;
        Buffer.MemoryCopy((byte*)Cpu(source).Pointer + (sourceOffset * size), (byte*)Cpu(destination).Pointer + (destinationOffset * size), bytes, bytes);
    }

    public void Fill(IDeviceBuffer buffer, float value, long offset, long count)
    {
        CheckRange(buffer, offset, count);
        var cpu = Cpu(buffer);
        switch (buffer.Type)
        {
            case DataType.Float32:
                Chunks(count, (from, n) => new Span<float>((float*)cpu.Pointer + offset + from, n).Fill(value));
                break;
            case DataType.Int32:
                Chunks(count, (from, n) => new Span<int>((int*)cpu.Pointer + offset + from, n).Fill((int)value));
                break;
            default:
                var bits = buffer.Type == DataType.Float16 ? HalfBits(value) : BFloat16Bits(value);
                Chunks(count, (from, n) => new Span<ushort>((ushort*)cpu.Pointer + offset + from, n).Fill(bits));
                break;
        }
    }

    public void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count)
    {
        CheckRange(source, 0, count);
        CheckRange(destination, 0, count);
        var src = Cpu(source);
        var dst = Cpu(destination);
        switch (source.Type, destination.Type)
        {
            case (DataType.Float32, DataType.Float32):
                Copy(source, 0, destination, 0, count);
                break;
            case (DataType.Float32, DataType.Float16 or DataType.BFloat16):
                var toHalf = destination.Type == DataType.Float16;
                Chunks(count, (from, n) =>
                {
                    for (var i = from; i < from + n; i++)
                    {
                        var f = ((float*)src.Pointer)[i];
                        ((ushort*)dst.Pointer)[i] = toHalf ? HalfBits(f) : BFloat16Bits(f);
                    }
                });
                break;
            case (DataType.Float16 or DataType.BFloat16, DataType.Float32):
                var fromHalf = source.Type == DataType.Float16;
                Chunks(count, (from, n) =>
                {
                    for (var i = from; i < from + n; i++)
                    {
                        var bits = ((ushort*)src.Pointer)[i];
                        ((float*)dst.Pointer)[i] = fromHalf ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.Int32BitsToSingle(bits << 16);
                    }
                });
                break;
            default:
                throw new NotSupportedException($"conversion from {source.Type.ShortName()} to {destination.Type.ShortName()} is not supported; convert through fp32");
        }
    }

    /// <summary>fp32 to fp16 bits, rounding to nearest even (the runtime's conversion does).</summary>
    internal static ushort HalfBits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>fp32 to bf16 bits, rounding to nearest even; NaN stays a quiet NaN.</summary>
    internal static ushort BFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }

        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>
    /// 0.5·x·(1 + tanh(c·(x + k·x³))), vectorized a slice at a time through a stack buffer: the scalar tanh made GELU
    /// cost more than the 16 MiB weight read next to it in a decode step.
    /// </summary>
    private static void Gelu(ReadOnlySpan<float> xs, Span<float> ys)
    {
        const int slice = 1024;
        Span<float> t = stackalloc float[slice];
        for (var from = 0; from < xs.Length; from += slice)
        {
            var n = Math.Min(slice, xs.Length - from);
            var x = xs.Slice(from, n);
            var y = ys.Slice(from, n);
            var u = t[..n];
            TensorPrimitives.Multiply(x, x, u);
            TensorPrimitives.Multiply(u, x, u);
            TensorPrimitives.MultiplyAdd(u, GeluK, x, u);
            TensorPrimitives.Multiply(u, GeluC, u);
            TensorPrimitives.Tanh(u, u);
            TensorPrimitives.Add(u, 1f, u);
            TensorPrimitives.Multiply(x, u, y);
            TensorPrimitives.Multiply(y, 0.5f, y);
        }
    }

    private static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        var max = TensorPrimitives.Max(x);
        if (float.IsNegativeInfinity(max))
        {
            y.Clear();
            return;
        }

        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        TensorPrimitives.Multiply(y, 1f / TensorPrimitives.Sum(y), y);
    }

    private static Span<float> Row(float* p, long row, int cols) => new(p + (row * cols), cols);

    /// <summary>Runs <paramref name="body"/> for each row, in parallel when the rows hold enough work.</summary>
    private static void Rows(int rows, int cols, Action<int> body)
    {
        if ((long)rows * cols < 32_768 || rows < 2)
        {
            for (var r = 0; r < rows; r++)
            {
                body(r);
            }

            return;
        }

        Parallel.For(0, rows, body);
    }

    /// <summary>Splits <paramref name="count"/> elements into chunks, in parallel when large.</summary>
    private static void Chunks(long count, Action<long, int> body)
    {
        const int chunk = 1 << 16;
        if (count <= chunk)
        {
            if (count > 0)
            {
                body(0, (int)count);
            }

            return;
        }

        var chunks = (count + chunk - 1) / chunk;
        Parallel.For(0L, chunks, i => body(i * chunk, (int)Math.Min(chunk, count - (i * chunk))));
    }

    private static void CheckRange(IDeviceBuffer buffer, long offset, long count)
    {
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"elements [{offset}, {offset + count}) are outside the buffer of {buffer.Length}");
        }
    }

    private static void CheckGemmExtent(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        static long Needed(long offset, long stride, int batches, int rows, int ld, int cols) =>
            rows == 0 || cols == 0 ? 0 : offset + (stride * (batches - 1)) + ((long)(rows - 1) * ld) + cols;

        var (aRows, aCols) = g.TransposeA ? (g.K, g.M) : (g.M, g.K);
        var (bRows, bCols) = g.TransposeB ? (g.N, g.K) : (g.K, g.N);
        if (Needed(g.OffsetA, g.StrideA, g.BatchCount, aRows, g.EffectiveLdA, aCols) > a.Length
            || Needed(g.OffsetB, g.StrideB, g.BatchCount, bRows, g.EffectiveLdB, bCols) > b.Length
            || Needed(g.OffsetC, g.StrideC, g.BatchCount, g.M, g.EffectiveLdC, g.N) > c.Length)
        {
            throw new ArgumentException($"GEMM M={g.M} N={g.N} K={g.K} (batches {g.BatchCount}) reaches past the end of a buffer; check sizes, leading dimensions, strides and offsets");
        }
    }

    private void CheckWeights(DataType type, int inputs)
    {
        if (!SupportsWeights(type))
        {
            throw new NotSupportedException($"weights in {type.ShortName()} are not supported on device 'cpu'; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
        }

        if (inputs % type.BlockValues() != 0)
        {
            throw new ArgumentException($"rows of {inputs} values are not a whole number of {type.ShortName()} blocks of {type.BlockValues()}");
        }
    }

    private static CpuBuffer Cpu(IDeviceBuffer buffer) =>
        buffer as CpuBuffer ?? throw new ArgumentException("the buffer belongs to another device", nameof(buffer));

    private static float* Ptr(IDeviceBuffer buffer, long needed = 0)
    {
        var cpu = Cpu(buffer);
        if (cpu.Type != DataType.Float32)
        {
            throw new ArgumentException($"expected an fp32 buffer, got {cpu.Type.ShortName()}", nameof(buffer));
        }

        if (needed > cpu.Length)
        {
            throw new ArgumentException($"buffer of {cpu.Length} elements is smaller than the {needed} the operation needs", nameof(buffer));
        }

        return (float*)cpu.Pointer;
    }

    private static int* IntPtr(IDeviceBuffer buffer, long needed)
    {
        var cpu = Cpu(buffer);
        if (cpu.Type != DataType.Int32)
        {
            throw new ArgumentException($"expected an i32 buffer of ids, got {cpu.Type.ShortName()}", nameof(buffer));
        }

        if (needed > cpu.Length)
        {
            throw new ArgumentException($"buffer of {cpu.Length} ids is smaller than the {needed} the operation needs", nameof(buffer));
        }

        return (int*)cpu.Pointer;
    }
}
