namespace AiProfiler.Abstractions.Devices;

// The backend's half of TensorOpsBase: each operation on arguments the public method has checked.
public abstract partial class TensorOpsBase
{
    /// <summary><see cref="Gemm"/> on checked arguments: a type <see cref="SupportsGemm"/> accepts, matrices inside their buffers.</summary>
    protected abstract void GemmCore(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c);

    /// <summary><see cref="Rotary"/> on checked arguments (an even head size).</summary>
    protected abstract void RotaryCore(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved);

    /// <summary><see cref="Softmax"/> on checked arguments.</summary>
    protected abstract void SoftmaxCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols);

    /// <summary><see cref="SoftmaxBackward"/> on checked arguments.</summary>
    protected abstract void SoftmaxBackwardCore(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols);

    /// <summary><see cref="CausalMask"/> on checked arguments.</summary>
    protected abstract void CausalMaskCore(IDeviceBuffer scores, int batches, int rows, int cols, int offset);

    /// <summary><see cref="LayerNorm"/> on checked arguments.</summary>
    protected abstract void LayerNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon);

    /// <summary><see cref="LayerNormBackward"/> on checked arguments.</summary>
    protected abstract void LayerNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols);

    /// <summary><see cref="RmsNorm"/> on checked arguments.</summary>
    protected abstract void RmsNormCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon);

    /// <summary><see cref="RmsNormBackward"/> on checked arguments.</summary>
    protected abstract void RmsNormBackwardCore(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols);

    /// <summary><see cref="Activation"/> on checked arguments (a defined <paramref name="kind"/>).</summary>
    protected abstract void ActivationCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count);

    /// <summary><see cref="ActivationBackward"/> on checked arguments (a defined <paramref name="kind"/>).</summary>
    protected abstract void ActivationBackwardCore(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count);

    /// <summary><see cref="Elementwise"/> on checked arguments (a defined <paramref name="op"/>).</summary>
    protected abstract void ElementwiseCore(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count);

    /// <summary><see cref="Axpby"/> on checked arguments.</summary>
    protected abstract void AxpbyCore(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count);

    /// <summary><see cref="AddBias"/> on checked arguments.</summary>
    protected abstract void AddBiasCore(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols);

    /// <summary><see cref="SumColumns"/> on checked arguments.</summary>
    protected abstract void SumColumnsCore(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols);

    /// <summary><see cref="Sum"/> on checked arguments.</summary>
    protected abstract void SumCore(IDeviceBuffer x, IDeviceBuffer result, long count);

    /// <summary><see cref="EmbeddingGather"/> on checked arguments (the table holds a type <see cref="SupportsWeights"/> accepts, rows of whole blocks; see <see cref="TableRows"/>).</summary>
    protected abstract void EmbeddingGatherCore(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim);

    /// <summary><see cref="EmbeddingBackward"/> on checked arguments.</summary>
    protected abstract void EmbeddingBackwardCore(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim);

    /// <summary><see cref="CrossEntropy"/> on checked arguments.</summary>
    protected abstract void CrossEntropyCore(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols);

    /// <summary><see cref="AdamW"/> on checked arguments (a step of at least 1).</summary>
    protected abstract void AdamWCore(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper);

    /// <summary><see cref="Attention"/> on checked arguments (a head size within <see cref="MaxAttentionHeadDim"/>).</summary>
    protected abstract void AttentionCore(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o);

    /// <summary><see cref="SwapAxes"/> on checked arguments.</summary>
    protected abstract void SwapAxesCore(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner);

    /// <summary><see cref="Copy"/> on checked arguments (same element size, ranges inside both buffers).</summary>
    protected abstract void CopyCore(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count);

    /// <summary><see cref="Fill"/> on checked arguments.</summary>
    protected abstract void FillCore(IDeviceBuffer buffer, float value, long offset, long count);

    /// <summary><see cref="Convert"/> on checked arguments: fp32 to fp32, fp16 or bf16, or fp16 or bf16 to fp32.</summary>
    protected abstract void ConvertCore(IDeviceBuffer source, IDeviceBuffer destination, long count);
}
