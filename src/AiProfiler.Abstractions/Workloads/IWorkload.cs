using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Abstractions.Workloads;

/// <summary>
/// A representative AI workload (GEMM, attention, a fine-tuning step, batched inference, or a plugin's own).
/// The host discovers every public, non-abstract implementation with a public parameterless constructor in a
/// plugin assembly. An instance is stateless: all state lives in the <see cref="IPreparedWorkload"/> it prepares.
/// </summary>
public interface IWorkload
{
    /// <summary>Unique, lower-case name used on the command line, in configuration and in metric labels (e.g. <c>gemm</c>).</summary>
    string Name { get; }

    /// <summary>One sentence saying what is measured.</summary>
    string Description { get; }

    /// <summary>The typed parameters this workload accepts, with defaults, ranges and descriptions.</summary>
    IReadOnlyList<ParameterDescriptor> Parameters { get; }

    /// <summary>
    /// The device memory, in bytes, that <see cref="Prepare"/> will allocate for these parameters. The host compares
    /// it with the device's free memory before preparing, so a size that does not fit is refused with a message
    /// instead of failing part-way through allocation.
    /// </summary>
    long EstimateMemoryBytes(ParameterSet parameters);

    /// <summary>
    /// The host memory, in bytes, that the prepared workload holds beside its device buffers: inputs kept on the host
    /// for the reference, read-back arrays of <see cref="IPreparedWorkload.Verify"/>. On a CPU device, whose buffers
    /// live in the same memory, the host adds it to <see cref="EstimateMemoryBytes"/> before comparing with what is
    /// free; on any other device it compares it with the host's free memory. Zero unless a workload says otherwise,
    /// so plugins written before it still load.
    /// </summary>
    long EstimateHostMemoryBytes(ParameterSet parameters) => 0;

    /// <summary>
    /// Allocates buffers, fills inputs (deterministically, from a fixed seed) and compiles anything needed on
    /// <paramref name="device"/>. Throws <see cref="NotSupportedException"/> with a one-line reason when the device
    /// cannot run this configuration (for example an unsupported precision).
    /// </summary>
    IPreparedWorkload Prepare(IDevice device, ParameterSet parameters);
}
