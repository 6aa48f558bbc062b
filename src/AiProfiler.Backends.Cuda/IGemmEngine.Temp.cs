using AiProfiler.Abstractions.Kernels;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels;

public interface IGemmEngine
{
    string Name { get; }

    bool Supports(DataType type);

    void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c);
}

public sealed class KernelTensorOps : ITensorOps
{
    public KernelTensorOps(IKernelCompiler compiler, IGemmEngine gemm)
    {
        GemmImplementation = gemm.Name + compiler.ToString();
    }

    public bool SupportsGemm(DataType type) => throw new NotSupportedException();
    public string GemmImplementation { get; }
    public void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c) => throw new NotSupportedException();
    public void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols) => throw new NotSupportedException();
    public void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols) => throw new NotSupportedException();
    public void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset) => throw new NotSupportedException();
    public void LayerNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon) => throw new NotSupportedException();
    public void LayerNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols) => throw new NotSupportedException();
    public void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon) => throw new NotSupportedException();
    public void RmsNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols) => throw new NotSupportedException();
    public void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count) => throw new NotSupportedException();
    public void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count) => throw new NotSupportedException();
    public void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count) => throw new NotSupportedException();
    public void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count) => throw new NotSupportedException();
    public void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols) => throw new NotSupportedException();
    public void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols) => throw new NotSupportedException();
    public void Sum(IDeviceBuffer x, IDeviceBuffer result, long count) => throw new NotSupportedException();
    public void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim) => throw new NotSupportedException();
    public void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim) => throw new NotSupportedException();
    public void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols) => throw new NotSupportedException();
    public void AdamW(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper) => throw new NotSupportedException();
    public void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o) => throw new NotSupportedException();
    public void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner) => throw new NotSupportedException();
    public void Copy(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count) => throw new NotSupportedException();
    public void Fill(IDeviceBuffer buffer, float value, long offset, long count) => throw new NotSupportedException();
    public void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count) => throw new NotSupportedException();
}
