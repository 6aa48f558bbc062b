namespace AiProfiler.Abstractions.Kernels;

/// <summary>A compiled kernel on one device.</summary>
public interface IKernel : IDisposable
{
    /// <summary>The kernel's function name.</summary>
    string Name { get; }

    /// <summary>
    /// Queues one launch over <paramref name="globalSize"/> work items (per dimension, a multiple of
    /// <paramref name="localSize"/>) in groups of <paramref name="localSize"/>; on CUDA the grid is global/local.
    /// Arguments are passed in order.
    /// </summary>
    void Launch(KernelRange globalSize, KernelRange localSize, params ReadOnlySpan<KernelArgument> arguments);
}
