using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Element-wise kernels: activations, arithmetic, the optimizer, gathers, layout changes, copies, fills and
/// conversions. Each strides over its whole range, so the host caps the number of groups.
/// </summary>
internal static class ElementKernels
{
    /// <summary>√(2/π) and the cubic coefficient of GPT-2's tanh approximation of GELU.</summary>
    private const float GeluScale = 0.7978845608028654f;
    private const float GeluCubic = 0.044715f;

    /// <summary>Activation kinds as numbered by <c>ActivationKind</c>.</summary>
    private const int Relu = 0;
    private const int Gelu = 1;

    [IlgpuKernel]
    public static void ActivationForward(int kind, ArrayView<float> x, ArrayView<float> y, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            y[i] = Activate(kind, x[i]);
        }
    }

    [IlgpuKernel]
    public static void ActivationBackward(int kind, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            dx[i] = Derivative(kind, x[i]) * dy[i];
        }
    }

    /// <summary>
    /// The fp32 FMA ceiling's probe: each item runs eight independent chains c = c·m + a for <paramref name="iterations"/>
    /// rounds (16 FLOPs a round) on registers and writes their sum once. acc·0.999 + 0.001 converges to 1, so any
    /// count stays finite and normal. ILGPU has no multiply-add intrinsic (its frontend leaves
    /// <see cref="MathF.FusedMultiplyAdd"/> an unresolved call) and emits c·m + a as PTX <c>mul.f32</c> then <c>add.f32</c>
    /// without rounding modifiers, which the PTX ISA lets ptxas contract into one FMA (its default, as nvcc's
    /// <c>-fmad=true</c>); on the CPU emulator it is .NET's multiply and add.
    /// </summary>
    [IlgpuKernel]
    public static void FmaChains(ArrayView<float> output, int iterations)
    {
        // One work-item per element: on a GPU the launch has a thread for each; the emulator's one group strides.
        for (var id = GroupMath.FirstElement(); id < output.Length; id += GroupMath.ElementStride())
        {
            FmaChain(output, id, iterations);
        }
    }

    private static void FmaChain(ArrayView<float> output, long id, int iterations)
    {
        const float m = 0.999f, a = 0.001f;
        float c0 = 1f + (id * 1e-7f), c1 = c0 + 1e-3f, c2 = c0 + 2e-3f, c3 = c0 + 3e-3f;
        float c4 = c0 + 4e-3f, c5 = c0 + 5e-3f, c6 = c0 + 6e-3f, c7 = c0 + 7e-3f;
        for (var i = 0; i < iterations; i++)
        {
            c0 = (c0 * m) + a;
            c1 = (c1 * m) + a;
            c2 = (c2 * m) + a;
            c3 = (c3 * m) + a;
            c4 = (c4 * m) + a;
            c5 = (c5 * m) + a;
            c6 = (c6 * m) + a;
            c7 = (c7 * m) + a;
        }

        output[id] = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7;
    }

    /// <summary><paramref name="op"/> as numbered by <c>ElementwiseOp</c>: 0 add, 1 subtract, 2 multiply.</summary>
    [IlgpuKernel]
    public static void Elementwise(int op, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            var u = a[i];
            var v = b[i];
            y[i] = op == 0 ? u + v : op == 1 ? u - v : u * v;
        }
    }

    /// <summary>y = αx + βy; β 0 ignores y's contents (even NaN), so it doubles as a scaled copy.</summary>
    [IlgpuKernel]
    public static void Axpby(float alpha, ArrayView<float> x, float beta, ArrayView<float> y, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            var scaled = alpha * x[i];
            y[i] = beta == 0f ? scaled : scaled + beta * y[i];
        }
    }

    [IlgpuKernel]
    public static void AddBias(ArrayView<float> x, ArrayView<float> bias, long count, int cols)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            x[i] += bias[i % cols];
        }
    }

    /// <summary>One AdamW step; the bias corrections 1 − β^t come from the host.</summary>
    [IlgpuKernel]
    public static void AdamW(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, long count, AdamWScalars s)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            var grad = g[i];
            var mi = s.Beta1 * m[i] + (1f - s.Beta1) * grad;
            var vi = s.Beta2 * v[i] + (1f - s.Beta2) * grad * grad;
            m[i] = mi;
            v[i] = vi;
            var pi = p[i];
            p[i] = pi - s.LearningRate * ((mi / s.Correction1) / (MathF.Sqrt(vi / s.Correction2) + s.Epsilon) + s.WeightDecay * pi);
        }
    }

    /// <summary>y[i,:] = table[ids[i],:], zeros for ids outside the table.</summary>
    [IlgpuKernel]
    public static void EmbeddingGather(ArrayView<float> table, ArrayView<int> ids, ArrayView<float> y, long total, int dim, int tableRows)
    {
        for (var i = GroupMath.FirstElement(); i < total; i += GroupMath.ElementStride())
        {
            var id = ids[i / dim];
            y[i] = id >= 0 && id < tableRows ? table[(long)id * dim + i % dim] : 0f;
        }
    }

    /// <summary>
    /// Rotates pair p of each (row, head) of x by positions[row]·frequencies[p]; interleaved pairs are (2p, 2p+1),
    /// otherwise (p, p + headDim/2). One item per pair, so total is rows·heads·headDim/2. The angle is the fp32
    /// product, as the other backends form it; its sine and cosine come from <see cref="AccurateTrig"/>.
    /// </summary>
    [IlgpuKernel]
    public static void Rotary(ArrayView<float> x, ArrayView<int> positions, ArrayView<float> frequencies, long total, int heads, int headDim, int interleaved)
    {
        var pairs = headDim / 2;
        for (var i = GroupMath.FirstElement(); i < total; i += GroupMath.ElementStride())
        {
            var p = (int)(i % pairs);
            var rowHead = i / pairs;
            var angle = positions[rowHead / heads] * frequencies[p];
            var cos = AccurateTrig.Cos(angle);
            var sin = AccurateTrig.Sin(angle);
            var first = rowHead * headDim + (interleaved != 0 ? 2 * p : p);
            var second = interleaved != 0 ? first + 1 : first + pairs;
            var x0 = x[first];
            var x1 = x[second];
            x[first] = x0 * cos - x1 * sin;
            x[second] = x0 * sin + x1 * cos;
        }
    }

    /// <summary>dtable[ids[i],:] += dy[i,:]; repeated ids add up through atomics; ids outside the table are skipped.</summary>
    [IlgpuKernel]
    public static void EmbeddingBackward(ArrayView<int> ids, ArrayView<float> dy, ArrayView<float> dtable, long total, int dim, int tableRows)
    {
        for (var i = GroupMath.FirstElement(); i < total; i += GroupMath.ElementStride())
        {
            var id = ids[i / dim];
            if (id >= 0 && id < tableRows)
            {
                Atomic.Add(ref dtable[(long)id * dim + i % dim], dy[i]);
            }
        }
    }

    /// <summary>scores[b,i,j] = −∞ where j &gt; offset + i.</summary>
    [IlgpuKernel]
    public static void CausalMask(ArrayView<float> scores, long total, int rows, int cols, int offset)
    {
        for (var i = GroupMath.FirstElement(); i < total; i += GroupMath.ElementStride())
        {
            var col = i % cols;
            var row = i / cols % rows;
            if (col > offset + row)
            {
                scores[i] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>[batch, dim1, dim2, inner] to [batch, dim2, dim1, inner], one item per output element (coalesced writes).</summary>
    [IlgpuKernel]
    public static void SwapAxes(ArrayView<float> x, ArrayView<float> y, long total, int dim1, int dim2, int inner)
    {
        for (var o = GroupMath.FirstElement(); o < total; o += GroupMath.ElementStride())
        {
            var e = o % inner;
            var q = o / inner;
            var i1 = q % dim1;
            q /= dim1;
            var i2 = q % dim2;
            var b = q / dim2;
            y[o] = x[((b * dim1 + i1) * dim2 + i2) * inner + e];
        }
    }

    [IlgpuKernel]
    public static void Copy32(ArrayView<int> source, long sourceOffset, ArrayView<int> destination, long destinationOffset, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            destination[destinationOffset + i] = source[sourceOffset + i];
        }
    }

    [IlgpuKernel]
    public static void Copy16(ArrayView<ushort> source, long sourceOffset, ArrayView<ushort> destination, long destinationOffset, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            destination[destinationOffset + i] = source[sourceOffset + i];
        }
    }

    /// <summary>Fills with a bit pattern the host encoded for the buffer's type.</summary>
    [IlgpuKernel]
    public static void Fill32(ArrayView<int> buffer, int bits, long offset, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            buffer[offset + i] = bits;
        }
    }

    [IlgpuKernel]
    public static void Fill16(ArrayView<ushort> buffer, int bits, long offset, long count)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            buffer[offset + i] = (ushort)bits;
        }
    }

    /// <summary>fp32 to <paramref name="type"/> (fp16 or bf16), rounding to nearest even.</summary>
    [IlgpuKernel]
    public static void Narrow(ArrayView<float> source, ArrayView<ushort> destination, long count, int type)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            destination[i] = type == HalfBits.Float16 ? HalfBits.FromSingle(source[i]) : HalfBits.BFloat16FromSingle(source[i]);
        }
    }

    /// <summary><paramref name="type"/> (fp16 or bf16) to fp32, exactly.</summary>
    [IlgpuKernel]
    public static void Widen(ArrayView<ushort> source, ArrayView<float> destination, long count, int type)
    {
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            destination[i] = type == HalfBits.Float16 ? HalfBits.ToSingle(source[i]) : HalfBits.BFloat16ToSingle(source[i]);
        }
    }

    /// <summary>Adds this group's share of x to result[0]; the host zeroes result[0] first.</summary>
    [IlgpuKernel]
    public static void SumPartial(ArrayView<float> x, ArrayView<float> result, long count)
    {
        var scratch = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        var s = 0f;
        for (var i = GroupMath.FirstElement(); i < count; i += GroupMath.ElementStride())
        {
            s += x[i];
        }

        s = GroupMath.Sum(scratch, s);
        if (Group.IdxX == 0)
        {
            Atomic.Add(ref result[0], s);
        }
    }

    private static float Activate(int kind, float x)
    {
        if (kind == Relu)
        {
            return x > 0f ? x : 0f;
        }

        if (kind == Gelu)
        {
            var u = GeluScale * (x + GeluCubic * x * x * x);
            return 0.5f * x * (1f + MathF.Tanh(u));
        }

        return x / (1f + MathF.Exp(-x));
    }

    private static float Derivative(int kind, float x)
    {
        if (kind == Relu)
        {
            return x > 0f ? 1f : 0f;
        }

        if (kind == Gelu)
        {
            var u = GeluScale * (x + GeluCubic * x * x * x);
            var t = MathF.Tanh(u);
            var du = GeluScale * (1f + 3f * GeluCubic * x * x);
            return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * du;
        }

        var s = 1f / (1f + MathF.Exp(-x));
        return s * (1f + x * (1f - s));
    }
}
