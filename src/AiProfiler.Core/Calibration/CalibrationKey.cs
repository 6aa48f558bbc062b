using System.Globalization;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// What a cached calibration is valid for: a different CPU, core count, memory size, driver set or agent version
/// invalidates it.
/// </summary>
/// <param name="CpuModel">The CPU's model name.</param>
/// <param name="LogicalCores">Logical cores the process can use.</param>
/// <param name="MemoryBytes">Host memory in bytes.</param>
/// <param name="Drivers">The devices and drivers found, e.g. <c>opencl:0=PoCL 5.0</c>, sorted and joined.</param>
/// <param name="AgentVersion">The agent's informational version.</param>
public sealed record CalibrationKey(string CpuModel, int LogicalCores, long MemoryBytes, string Drivers, string AgentVersion)
{
    /// <summary>One line for messages: what changed is visible at a glance.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{CpuModel}, {LogicalCores} cores, {MemoryBytes >> 20} MiB, drivers [{Drivers}], agent {AgentVersion}");
}
