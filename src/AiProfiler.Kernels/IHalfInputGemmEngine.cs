using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels;

/// <summary>
/// An optional capability of an <see cref="IGemmEngine"/>: A and B in fp16 or bf16, C in fp32, with fp32 accumulation
/// (cuBLAS's cublasGemmEx with CUBLAS_COMPUTE_32F). <see cref="KernelTensorOps"/> uses it for prefill with fp16 and
/// bf16 weights, multiplying W where it lies instead of decoding a fp32 copy.
/// </summary>
public interface IHalfInputGemmEngine
{
    /// <summary>Whether A and B may hold <paramref name="type"/> with an fp32 C.</summary>
    bool SupportsHalfInputs(DataType type);

    /// <summary>
    /// Queues <c>C = Alpha·op(A)·op(B) + Beta·C</c> for one product (BatchCount 1): A and B hold
    /// <see cref="GemmDescriptor.Type"/>, C holds fp32; offsets and leading dimensions count elements of each buffer.
    /// </summary>
    void GemmHalfInputs(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c);
}
