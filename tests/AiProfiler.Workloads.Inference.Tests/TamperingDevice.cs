using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>A CPU device whose attention calls can be altered, to prove that verification notices a broken backend.</summary>
internal sealed class TamperingDevice(CpuDevice inner) : IDevice
{
    private readonly TamperingOps _ops = new(inner.Ops);

    /// <summary>Rewrites each attention descriptor before the CPU runs it; null leaves them alone.</summary>
    public Func<AttentionDescriptor, AttentionDescriptor>? Attention
    {
        get => _ops.Tamper;
        set => _ops.Tamper = value;
    }

    public DeviceInfo Info => inner.Info;

    public long AvailableMemoryBytes => inner.AvailableMemoryBytes;

    public ITensorOps Ops => _ops;

    public IKernelCompiler? Kernels => null;

    public IDeviceBuffer Allocate(long length, DataType type = DataType.Float32) => inner.Allocate(length, type);

    public void Write<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
        where T : unmanaged => inner.Write(destination, source, offset);

    public void Read<T>(IDeviceBuffer source, Span<T> destination, long offset = 0)
        where T : unmanaged => inner.Read(source, destination, offset);

    public IDeviceTimer CreateTimer() => inner.CreateTimer();

    public void Synchronize() => inner.Synchronize();

    public void Dispose() => inner.Dispose();

    private sealed class TamperingOps(ITensorOps ops) : ITensorOps
    {
        public Func<AttentionDescriptor, AttentionDescriptor>? Tamper { get; set; }

        public string GemmImplementation => ops.GemmImplementation;

        public bool SupportsGemm(DataType type) => ops.SupportsGemm(type);

        public void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o) =>
            ops.Attention(Tamper is null ? attention : Tamper(attention), q, k, v, o);

        public void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c) => ops.Gemm(gemm, a, b, c);

        public void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols) => ops.Softmax(x, y, rows, cols);

        public void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols) => ops.SoftmaxBackward(y, dy, dx, rows, cols);

        public void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset) => ops.CausalMask(scores, batches, rows, cols, offset);

        public void LayerNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon) =>
            ops.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, epsilon);

        public void LayerNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols) =>
            ops.LayerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols);

        public void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon) =>
            ops.RmsNorm(x, gamma, y, rstd, rows, cols, epsilon);

        public void RmsNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols) =>
            ops.RmsNormBackward(x, gamma, rstd, dy, dx, dgamma, rows, cols);

        public void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count) => ops.Activation(kind, x, y, count);

        public void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count) => ops.ActivationBackward(kind, x, dy, dx, count);

        public void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count) => ops.Elementwise(op, a, b, y, count);

        public void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count) => ops.Axpby(alpha, x, beta, y, count);

        public void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols) => ops.AddBias(x, bias, rows, cols);

        public void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols) => ops.SumColumns(x, y, rows, cols);

        public void Sum(IDeviceBuffer x, IDeviceBuffer result, long count) => ops.Sum(x, result, count);

        public void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim) => ops.EmbeddingGather(table, ids, y, count, dim);

        public void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim) => ops.EmbeddingBackward(ids, dy, dtable, count, dim);

        public void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols) =>
            ops.CrossEntropy(logits, targets, losses, dlogits, rows, cols);

        public void AdamW(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper) =>
            ops.AdamW(parameters, gradients, m, v, count, hyper);

        public void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner) => ops.SwapAxes(x, y, batch, dim1, dim2, inner);

        public void Copy(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count) =>
            ops.Copy(source, sourceOffset, destination, destinationOffset, count);

        public void Fill(IDeviceBuffer buffer, float value, long offset, long count) => ops.Fill(buffer, value, offset, count);

        public void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count) => ops.Convert(source, destination, count);
    }
}
