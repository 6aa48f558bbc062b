using System.Globalization;
using AiProfiler.Abstractions.Devices;
using Microsoft.Extensions.Logging;

namespace AiProfiler.Core.Devices;

/// <summary>
/// Every backend the agent was built with, discovered once; opens devices by id (<c>cpu</c>, <c>opencl:0</c>,
/// <c>cuda:1</c>) and keeps them open for the agent's lifetime, since GPU contexts are expensive to create.
/// </summary>
public sealed partial class DeviceRegistry : IDisposable
{
    private readonly IReadOnlyList<IDeviceProvider> _providers;
    private readonly ILogger<DeviceRegistry> _logger;
    private readonly Lazy<IReadOnlyList<BackendStatus>> _backends;
    private readonly Dictionary<string, IDevice> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the registry over <paramref name="providers"/>; discovery runs on first use.</summary>
    public DeviceRegistry(IEnumerable<IDeviceProvider> providers, ILogger<DeviceRegistry> logger)
    {
        _providers = providers.ToArray();
        _logger = logger;
        _backends = new Lazy<IReadOnlyList<BackendStatus>>(DiscoverAll);
    }

    /// <summary>Every backend with its devices or its reason for being unavailable.</summary>
    public IReadOnlyList<BackendStatus> Backends => _backends.Value;

    /// <summary>Every device found.</summary>
    public IReadOnlyList<DeviceInfo> Devices => Backends.SelectMany(b => b.Devices).ToArray();

    /// <summary>
    /// Checks that <paramref name="id"/> names a device that exists here; returns null or a one-line error naming the
    /// problem and the devices that do exist.
    /// </summary>
    public string? Validate(string id)
    {
        if (!TryParse(id, out var prefix, out var index))
        {
            return $"'{id}' is not a device id; use cpu, opencl:N, cuda:N, ilgpu-cuda:N, ilgpu-opencl:N or ilgpu-cpu";
        }

        var backend = Backends.FirstOrDefault(b => b.Prefix == prefix);
        if (backend is null)
        {
            return $"device '{id}': no '{prefix}' backend in this build; use one of {string.Join(", ", Backends.Select(b => b.Prefix))}";
        }

        if (backend.UnavailableReason is { } reason)
        {
            return $"device '{id}' is unavailable: {reason}";
        }

        return index < backend.Devices.Count
            ? null
            : $"device '{id}' not found; found: {string.Join(", ", Devices.Select(d => d.Id))}";
    }

    /// <summary>Opens (or returns the already open) device <paramref name="id"/>; throws <see cref="ArgumentException"/> with <see cref="Validate"/>'s message.</summary>
    public IDevice Open(string id)
    {
        if (Validate(id) is { } error)
        {
            throw new ArgumentException(error, nameof(id));
        }

        var normalized = Normalize(id);
        lock (_gate)
        {
            if (!_open.TryGetValue(normalized, out var device))
            {
                _ = TryParse(normalized, out var prefix, out var index);
                device = _providers.First(p => p.Prefix == prefix).Open(index);
                _open[normalized] = device;
            }

            return device;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var device in _open.Values)
            {
                device.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>
    /// Every device found that measures hardware: what a schedule's <c>all</c> means. Emulators
    /// (<see cref="DeviceInfo.IsEmulator"/>, <c>ilgpu-cpu</c>) are left out; they run when named.
    /// </summary>
    public IReadOnlyList<DeviceInfo> MeasuringDevices => Devices.Where(d => !d.IsEmulator).ToArray();

    /// <summary>Parses <c>cpu</c>, <c>cpu:0</c>, <c>opencl:N</c>, <c>cuda:N</c>, <c>ilgpu-cuda:N</c>, <c>ilgpu-opencl:N</c>, <c>ilgpu-cpu</c>.</summary>
    public static bool TryParse(string id, out string prefix, out int index)
    {
        prefix = "";
        index = 0;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        var parts = id.Trim().ToLowerInvariant().Split(':');
        if (parts.Length > 2 || parts[0] is not ("cpu" or "opencl" or "cuda" or "ilgpu-cuda" or "ilgpu-opencl" or "ilgpu-cpu"))
        {
            return false;
        }

        prefix = parts[0];
        if (parts.Length == 1)
        {
            return true;
        }

        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>The canonical id: <c>cpu</c> and <c>ilgpu-cpu</c> for the CPUs, <c>prefix:N</c> otherwise.</summary>
    public static string Normalize(string id)
    {
        _ = TryParse(id, out var prefix, out var index);
        return prefix is "cpu" or "ilgpu-cpu" ? prefix : $"{prefix}:{index}";
    }

    private List<BackendStatus> DiscoverAll()
    {
        var result = new List<BackendStatus>();
        foreach (var provider in _providers)
        {
            DeviceDiscovery discovery;
            try
            {
                discovery = provider.Discover();
            }
#pragma warning disable CA1031 // A backend's native library can fail in any way; the agent carries on with the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                discovery = DeviceDiscovery.Unavailable($"discovery failed: {ex.Message}");
            }

            if (discovery.UnavailableReason is { } reason)
            {
                LogUnavailable(provider.Prefix, reason);
            }

            result.Add(new BackendStatus(provider.Prefix, provider.Kind, discovery.Devices, discovery.UnavailableReason));
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backend {Backend} unavailable: {Reason}")]
    private partial void LogUnavailable(string backend, string reason);
}
