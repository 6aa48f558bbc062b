namespace AiProfiler.Abstractions.Kernels;

/// <summary>
/// Compiles kernels written in the portable C dialect (see <see cref="PortableKernelDialect"/>) for one accelerator:
/// OpenCL builds the source as OpenCL C, CUDA compiles it with NVRTC for the device's compute capability.
/// </summary>
public interface IKernelCompiler
{
    /// <summary>
    /// Compiles <paramref name="source"/> and returns its kernel <paramref name="kernelName"/>. Compilation results are
    /// cached per source. A compile error throws <see cref="KernelCompilationException"/> naming the kernel and
    /// quoting the compiler's log.
    /// </summary>
    IKernel Compile(string source, string kernelName, string? options = null);
}
