using AiProfiler.Kernels;
using ILGPU.Runtime.Cuda;

namespace AiProfiler.Backends.Ilgpu.Gemm;

/// <summary>Picks a device's GEMM: cuBLAS on CUDA accelerators unless the tiled kernel is asked for.</summary>
internal static class IlgpuGemmFactory
{
    public static IGemmEngine Create(IlgpuDevice device, IlgpuGemmChoice choice)
    {
        if (choice == IlgpuGemmChoice.Tiled)
        {
            return new IlgpuTiledGemm(device);
        }

        if (device.Accelerator is not CudaAccelerator cuda)
        {
            return choice == IlgpuGemmChoice.CuBlas
                ? throw new NotSupportedException($"cuBLAS runs on ilgpu-cuda devices only, not on '{device.Info.Id}'; use AIPROFILER_ILGPU_GEMM=tiled or auto")
                : new IlgpuTiledGemm(device);
        }

        try
        {
            return new IlgpuCuBlasGemm(device, cuda);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CuBlasException or TypeInitializationException)
        {
            // In auto mode a missing cuBLAS leaves the tiled kernel, and the impl label says so; asked for, it is an error.
            return choice == IlgpuGemmChoice.Auto
                ? new IlgpuTiledGemm(device)
                : throw new NotSupportedException(IlgpuNativeLibraries.CublasMissingReason(e), e);
        }
    }
}
