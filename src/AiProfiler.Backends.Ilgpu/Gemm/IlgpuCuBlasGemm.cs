using AiProfiler.Abstractions.Devices;
using AiProfiler.Kernels;
using ILGPU.Runtime.Cuda;

namespace AiProfiler.Backends.Ilgpu.Gemm;

/// <summary>
/// fp32 GEMM through cuBLAS (ILGPU.Algorithms' <see cref="CuBlas"/>) on the device's stream. cuBLAS is column-major:
/// a row-major C = op(A)·op(B) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so the operands swap and keep their transposes.
/// Batches are separate calls (ILGPU's wrapper has no strided-batched GEMM).
/// </summary>
internal sealed class IlgpuCuBlasGemm : IGemmEngine, IDisposable
{
    public const string Label = "cublas";

    private readonly IlgpuDevice _device;
    private readonly CuBlas _blas;

    public IlgpuCuBlasGemm(IlgpuDevice device, CudaAccelerator accelerator)
    {
        _device = device;
        _blas = new CuBlas(accelerator) { Stream = (CudaStream)device.Stream };
    }

    public string Name => Label;

    public bool Supports(DataType type) => type == DataType.Float32;

    public void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (g.M == 0 || g.N == 0 || g.BatchCount == 0)
        {
            return;
        }

        var viewA = _device.View<float>(a);
        var viewB = _device.View<float>(b);
        var viewC = _device.View<float>(c);
        var opA = g.TransposeA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        var opB = g.TransposeB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        for (var batch = 0; batch < g.BatchCount; batch++)
        {
            _blas.Gemm(opB, opA, g.N, g.M, g.K, g.Alpha,
                viewB.SubView(g.OffsetB + batch * g.StrideB), g.EffectiveLdB,
                viewA.SubView(g.OffsetA + batch * g.StrideA), g.EffectiveLdA,
                g.Beta, viewC.SubView(g.OffsetC + batch * g.StrideC), g.EffectiveLdC);
        }
    }

    public void Dispose() => _blas.Dispose();
}
