using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels;

/// <summary>
/// Runs the GEMMs of <see cref="KernelTensorOps"/>: a vendor library (CLBlast, cuBLAS) or the portable
/// <see cref="TiledGemmEngine"/>. The descriptor and buffers are validated before it is called.
/// </summary>
public interface IGemmEngine
{
    /// <summary>The implementation's label, reported as <see cref="ITensorOps.GemmImplementation"/>.</summary>
    string Name { get; }

    /// <summary>Whether this engine multiplies buffers of <paramref name="type"/>.</summary>
    bool Supports(DataType type);

    /// <summary>Queues <c>C = Alpha·op(A)·op(B) + Beta·C</c> as described by <paramref name="g"/>.</summary>
    void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c);
}
