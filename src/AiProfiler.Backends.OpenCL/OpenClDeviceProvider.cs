using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// The OpenCL backend: every device of every platform the ICD loader knows, numbered <c>opencl:0</c>, <c>opencl:1</c>,
/// ... in platform order. Without the loader or a platform it reports why instead of throwing.
/// </summary>
public sealed class OpenClDeviceProvider : IDeviceProvider
{
    private readonly OpenClOptions? _options;
    private readonly string? _optionsError;
    private readonly Lazy<(DeviceDiscovery Discovery, IReadOnlyList<OpenClDeviceHandles> Handles)> _found;

    /// <summary>Creates the provider with options from the environment (<see cref="OpenClOptions.GemmEnvironmentVariable"/>).</summary>
    public OpenClDeviceProvider()
    {
        try
        {
            _options = OpenClOptions.FromEnvironment();
        }
        catch (ArgumentException e)
        {
            _optionsError = e.Message;
        }

        _found = new(Find);
    }

    /// <summary>Creates the provider with explicit options.</summary>
    public OpenClDeviceProvider(OpenClOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _found = new(Find);
    }

    /// <inheritdoc />
    public DeviceKind Kind => DeviceKind.OpenCL;

    /// <inheritdoc />
    public string Prefix => "opencl";

    /// <inheritdoc />
    public DeviceDiscovery Discover() => _found.Value.Discovery;

    /// <inheritdoc />
    public IDevice Open(int index)
    {
        var (discovery, handles) = _found.Value;
        if (discovery.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"OpenCL is unavailable: {reason}");
        }

        if (index < 0 || index >= handles.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, string.Create(CultureInfo.InvariantCulture,
                $"there is no device opencl:{index}; this host has {handles.Count} OpenCL device(s), see `aiprofiler devices`"));
        }

        return new OpenClDevice(discovery.Devices[index], handles[index], _options!);
    }

    private (DeviceDiscovery, IReadOnlyList<OpenClDeviceHandles>) Find()
    {
        if (_optionsError is not null)
        {
            return (DeviceDiscovery.Unavailable(_optionsError), []);
        }

        if (!OpenClLibrary.IsOpenClAvailable())
        {
            return (DeviceDiscovery.Unavailable(OpenClLibrary.MissingOpenClReason), []);
        }

        try
        {
            return Enumerate();
        }
        catch (OpenClException e) when (e.ErrorCode == ClConstants.PlatformNotFoundKhr)
        {
            return (DeviceDiscovery.Unavailable("no OpenCL platform (no ICD installed)"), []);
        }
        catch (OpenClException e)
        {
            return (DeviceDiscovery.Unavailable($"OpenCL discovery failed: {e.Message}"), []);
        }
    }

    private static unsafe (DeviceDiscovery, IReadOnlyList<OpenClDeviceHandles>) Enumerate()
    {
        uint platformCount;
        OpenClException.Check(OpenClNative.clGetPlatformIDs(0, null, &platformCount), "clGetPlatformIDs");
        if (platformCount == 0)
        {
            return (DeviceDiscovery.Unavailable("no OpenCL platform (no ICD installed)"), []);
        }

        var platforms = new nint[platformCount];
        fixed (nint* p = platforms)
        {
            OpenClException.Check(OpenClNative.clGetPlatformIDs(platformCount, p, null), "clGetPlatformIDs");
        }

        var infos = new List<DeviceInfo>();
        var handles = new List<OpenClDeviceHandles>();
        foreach (var platform in platforms)
        {
            uint deviceCount;
            var status = OpenClNative.clGetDeviceIDs(platform, ClConstants.DeviceTypeAll, 0, null, &deviceCount);
            if (status == -1)
            {
                // CL_DEVICE_NOT_FOUND: a platform without devices is not an error.
                continue;
            }

            OpenClException.Check(status, "clGetDeviceIDs");
            var devices = new nint[deviceCount];
            fixed (nint* d = devices)
            {
                OpenClException.Check(OpenClNative.clGetDeviceIDs(platform, ClConstants.DeviceTypeAll, deviceCount, d, null), "clGetDeviceIDs");
            }

            var platformName = ClInfo.PlatformString(platform, ClConstants.PlatformName);
            foreach (var device in devices)
            {
                var id = "opencl:" + infos.Count.ToString(CultureInfo.InvariantCulture);
                var query = OpenClDeviceHandles.Query(platform, device);
                handles.Add(query);
                infos.Add(Describe(id, platformName, query));
            }
        }

        return infos.Count == 0
            ? (DeviceDiscovery.Unavailable("no OpenCL device (the installed platforms list none)"), [])
            : (new DeviceDiscovery(infos, null), handles);
    }

    private static DeviceInfo Describe(string id, string platformName, OpenClDeviceHandles device)
    {
        var computeUnits = (int)ClInfo.DeviceValue<uint>(device.Device, ClConstants.DeviceMaxComputeUnits);
        var clockHz = ClInfo.DeviceValue<uint>(device.Device, ClConstants.DeviceMaxClockFrequency) * 1e6;
        var (flops, source) = OpenClPeakEstimate.Estimate(
            device.DeviceType,
            ClInfo.DeviceValue<uint>(device.Device, ClConstants.DeviceVendorId),
            computeUnits,
            clockHz,
            ClInfo.DeviceValue<uint>(device.Device, ClConstants.DeviceNativeVectorWidthFloat),
            ClInfo.DeviceValue<uint>(device.Device, ClConstants.DevicePreferredVectorWidthFloat));
        return new DeviceInfo
        {
            Id = id,
            Kind = DeviceKind.OpenCL,
            Name = ClInfo.DeviceString(device.Device, ClConstants.DeviceName),
            Vendor = platformName,
            DriverVersion = ClInfo.DeviceString(device.Device, ClConstants.DriverVersion),
            MemoryBytes = device.GlobalMemoryBytes,
            ComputeUnits = computeUnits,
            ClockHz = clockHz,
            PeakFlopsPerSecond = flops,
            PeakBandwidthBytesPerSecond = 0,
            PeakSource = source,
            SharesHostMemory = device.IsCpu,
        };
    }
}
