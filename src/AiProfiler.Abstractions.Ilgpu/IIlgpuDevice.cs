using AiProfiler.Abstractions.Devices;
using ILGPU;
using ILGPU.Runtime;

namespace AiProfiler.Abstractions.Ilgpu;

/// <summary>
/// The capability of an <c>ilgpu-*</c> device (<c>ilgpu-cuda:N</c>, <c>ilgpu-opencl:N</c>, <c>ilgpu-cpu</c>) through
/// which a plugin runs its own kernel written as a C# method. Ask for it with
/// <c>device.GetCapability&lt;IIlgpuDevice&gt;()</c>; other devices return null. Kernels run in order with the
/// device's tensor operations, on <see cref="Stream"/>.
/// </summary>
public interface IIlgpuDevice
{
    /// <summary>The device's ILGPU accelerator: created once with the device and disposed with it; do not dispose it.</summary>
    Accelerator Accelerator { get; }

    /// <summary>The stream the device queues all its work on; launch kernels on it to keep their order.</summary>
    AcceleratorStream Stream { get; }

    /// <summary>
    /// The memory of <paramref name="buffer"/> (a buffer of this device) as a view of <typeparamref name="T"/>, whose
    /// size must match the buffer's element type (float or int for fp32 and int32, ushort or <c>Half</c> for fp16 and
    /// bf16). Throws <see cref="ArgumentException"/> naming the mismatch.
    /// </summary>
    ArrayView<T> View<T>(IDeviceBuffer buffer)
        where T : unmanaged;

    /// <summary>
    /// Compiles a kernel once per device and returns its launcher, cached for the device's lifetime:
    /// <c>LoadKernel("scale", a =&gt; a.LoadAutoGroupedKernel&lt;Index1D, ArrayView&lt;float&gt;, float&gt;(Scale))</c>.
    /// <paramref name="load"/> runs on the first call only. A kernel ILGPU cannot compile throws
    /// <see cref="Kernels.KernelCompilationException"/> with one line naming <paramref name="kernelName"/> and ILGPU's message.
    /// </summary>
    TLauncher LoadKernel<TLauncher>(string kernelName, Func<Accelerator, TLauncher> load)
        where TLauncher : Delegate;
}
