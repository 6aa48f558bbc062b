namespace AiProfiler.Abstractions.Devices;

/// <summary>What a backend found: its devices, or why it is unavailable.</summary>
/// <param name="Devices">The devices found (empty when unavailable).</param>
/// <param name="UnavailableReason">Null when the backend works; otherwise one line, e.g. <c>libcuda.so.1 not found (no NVIDIA driver)</c>.</param>
public sealed record DeviceDiscovery(IReadOnlyList<DeviceInfo> Devices, string? UnavailableReason)
{
    /// <summary>A backend that cannot be used here, with the reason.</summary>
    public static DeviceDiscovery Unavailable(string reason) => new([], reason);
}
