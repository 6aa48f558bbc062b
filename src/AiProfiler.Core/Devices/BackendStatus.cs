using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Core.Devices;

/// <summary>One backend as discovered: its devices, or why it is unavailable.</summary>
/// <param name="Prefix">The id prefix: cpu, opencl, cuda.</param>
/// <param name="Kind">The backend family.</param>
/// <param name="Devices">Devices found.</param>
/// <param name="UnavailableReason">Null when usable.</param>
public sealed record BackendStatus(string Prefix, DeviceKind Kind, IReadOnlyList<DeviceInfo> Devices, string? UnavailableReason);
