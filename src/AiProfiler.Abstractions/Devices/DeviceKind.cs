namespace AiProfiler.Abstractions.Devices;

/// <summary>The backend family of a device.</summary>
public enum DeviceKind
{
    /// <summary>The host's CPUs, through managed SIMD code and, when installed, a CPU BLAS.</summary>
    Cpu,

    /// <summary>An OpenCL device (a GPU, or a CPU through PoCL).</summary>
    OpenCL,

    /// <summary>An NVIDIA GPU through the CUDA driver API.</summary>
    Cuda,
}
