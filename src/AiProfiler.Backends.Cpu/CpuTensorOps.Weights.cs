using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

// The Llama-family operations: linear layers against stored (possibly block-quantized) weights, and rotary embedding.
internal sealed unsafe partial class CpuTensorOps
{
    public override bool SupportsWeights(DataType type) =>
        type is DataType.Float32 or DataType.Float16 or DataType.BFloat16 || type.IsBlockQuantized();

    // ggml block weights are multiplied with x quantized to int8 per block of 32 (decode and prefill alike); fp16 and
    // bf16 weights are widened to fp32, so x stays as is.
    public override DataType LinearInputType(DataType weightType) => weightType.IsBlockQuantized() ? DataType.Q8_0 : DataType.Float32;

    protected override void LinearWeightsCore(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        if (rows == 0 || outputs == 0)
        {
            return;
        }

        if (inputs == 0)
        {
            AxpbyCore(0f, y, beta, y, (long)rows * outputs);
            return;
        }

        // Read-only: the weights' fp16 scan is remembered between calls (CpuBuffer.HoldsOnlyFiniteHalves).
        var w = Cpu(weights);
        WeightLinear.Run(gemm, _parallel, weights.Type, Ptr(x), (byte*)w.ReadPointer, Ptr(y), rows, outputs, inputs, beta, rows <= WeightLinear.DotRowsFor(weights.Type) && w.HoldsOnlyFiniteHalves());
    }

    protected override void RotaryCore(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved)
    {
        var half = headDim / 2;
        var px = Ptr(x);
        var pf = Ptr(frequencies);
        var pp = IntPtr(positions);
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
}
