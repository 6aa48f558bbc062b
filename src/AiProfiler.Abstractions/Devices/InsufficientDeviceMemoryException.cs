using System.Globalization;

namespace AiProfiler.Abstractions.Devices;

/// <summary>An allocation or a workload's footprint does not fit into a device's free memory.</summary>
public sealed class InsufficientDeviceMemoryException : Exception
{
    /// <summary>Creates the exception with a message naming the size, the limit and the fix.</summary>
    public InsufficientDeviceMemoryException(string deviceId, long requestedBytes, long availableBytes)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"needs {FormatBytes(requestedBytes)} but device '{deviceId}' has {FormatBytes(availableBytes)} free; choose smaller sizes or another device"))
    {
        DeviceId = deviceId;
        RequestedBytes = requestedBytes;
        AvailableBytes = availableBytes;
    }

    /// <summary>Creates an exception with a default message.</summary>
    public InsufficientDeviceMemoryException()
        : base("not enough device memory")
    {
        DeviceId = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    public InsufficientDeviceMemoryException(string message)
        : base(message)
    {
        DeviceId = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InsufficientDeviceMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
        DeviceId = "";
    }

    /// <summary>The device that was asked.</summary>
    public string DeviceId { get; }

    /// <summary>The bytes asked for.</summary>
    public long RequestedBytes { get; }

    /// <summary>The bytes the device had free.</summary>
    public long AvailableBytes { get; }

    /// <summary>Formats a byte count with a binary unit (e.g. <c>1.5 GiB</c>).</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {units[unit]}");
    }
}
