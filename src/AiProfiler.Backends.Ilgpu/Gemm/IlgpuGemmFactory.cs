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
        catch (Exception e) when (choice == IlgpuGemmChoice.Auto && e is DllNotFoundException or CuBlasException or TypeInitializationException)
        {
            // No libcublas next to the driver: the tiled kernel still runs, and the impl label says so.
            return new IlgpuTiledGemm(device);
        }
    }
}
