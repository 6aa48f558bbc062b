namespace AiProfiler.Backends.Ilgpu;

/// <summary>The ILGPU accelerator family a provider serves.</summary>
public enum IlgpuTarget
{
    /// <summary>NVIDIA GPUs through ILGPU's PTX backend and the CUDA driver: <c>ilgpu-cuda:N</c>.</summary>
    Cuda,

    /// <summary>OpenCL 2.0+ devices with generic address space support: <c>ilgpu-opencl:N</c>.</summary>
    OpenCL,

    /// <summary>ILGPU's CPU emulator, for correctness only: <c>ilgpu-cpu</c>.</summary>
    Cpu,
}
