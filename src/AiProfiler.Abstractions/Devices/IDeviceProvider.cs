namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// A backend: finds its devices and opens them. A provider whose native library or device is missing reports
/// <see cref="DeviceDiscovery.UnavailableReason"/> instead of throwing, so the host carries on with the others.
/// </summary>
public interface IDeviceProvider
{
    /// <summary>The backend family.</summary>
    DeviceKind Kind { get; }

    /// <summary>The id prefix: <c>cpu</c>, <c>opencl</c>, <c>cuda</c>.</summary>
    string Prefix { get; }

    /// <summary>Finds the devices (cheap after the first call).</summary>
    DeviceDiscovery Discover();

    /// <summary>Opens device <paramref name="index"/> (0 for the CPU).</summary>
    IDevice Open(int index);
}
