using System.Globalization;
using System.Reflection;
using System.Text.Json;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Core.Devices;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// The machine's calibration, measured once and kept in <c>calibration.json</c> in the state directory. A cached file
/// is used while its <see cref="CalibrationKey"/> matches this machine; a different CPU, core count, memory size,
/// driver set or agent version measures again. Every peak the agent uses (roofline, MFU, MBU, advice) goes through
/// <see cref="Apply"/>.
/// </summary>
public sealed partial class CalibrationCache
{
    /// <summary>The file name inside the state directory.</summary>
    public const string FileName = "calibration.json";

    /// <summary>The workload ceilings every device of a usable calibration has.</summary>
    public static readonly IReadOnlyList<string> RequiredWorkloadKinds = ["prefill-gemm", "prefill-attention", "prefill-elementwise", "decode-bandwidth", "call-latency", "op-latency"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly DeviceRegistry _devices;
    private readonly TimeProvider _time;
    private readonly CalibrationSettings _settings;
    private readonly Lock _gate = new();
    private readonly Lock _measuring = new();
    private MachineCalibration? _current;
    private bool _loaded;

    /// <summary>Creates the cache for the devices of <paramref name="devices"/>; nothing is read or measured yet.</summary>
    public CalibrationCache(DeviceRegistry devices, IOptions<CalibrationOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _devices = devices;
        _time = time;
        _settings = options.Value.Settings;
        FilePath = Path.Combine(options.Value.ResolveDirectory(), FileName);
    }

    /// <summary>Where the calibration is kept.</summary>
    public string FilePath { get; }

    /// <summary>The valid calibration, from this process or the cache; null when none has been measured for this machine.</summary>
    public MachineCalibration? Current
    {
        get
        {
            lock (_gate)
            {
                if (!_loaded)
                {
                    _loaded = true;
                    _current = Load(out _);
                }

                return _current;
            }
        }
    }

    /// <summary>Why the last calibration could not be saved, or null.</summary>
    public string? SaveError { get; private set; }

    /// <summary>What a calibration must have been measured for to be valid here.</summary>
    public CalibrationKey CurrentKey()
    {
        var devices = _devices.MeasuringDevices;
        var cpu = devices.FirstOrDefault(d => d.Kind == DeviceKind.Cpu);
        // The CPU's driver string names the GEMM engine a start-up probe chose, which can differ between two processes
        // on a busy machine; the CPU is keyed by its model, cores and memory instead. Accelerators keep their drivers.
        var drivers = string.Join("; ", devices.Select(d => (d.Kind == DeviceKind.Cpu ? $"{d.Id}={d.Name}" : $"{d.Id}={d.Name} {d.DriverVersion}").Trim()).Order(StringComparer.Ordinal));
        var version = typeof(CalibrationCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new CalibrationKey(cpu?.Name ?? "unknown", Environment.ProcessorCount, cpu?.MemoryBytes ?? 0, drivers, version);
    }

    /// <summary>
    /// Returns the cached calibration when it is valid and <paramref name="force"/> is false; otherwise measures every
    /// device that measures hardware (reporting each to <paramref name="progress"/>) and saves the result. <paramref name="reason"/> says why
    /// it measured, or is null when the cache was used. <paramref name="cancellationToken"/> is checked before each device,
    /// so an agent told to stop does not start measuring another one.
    /// </summary>
    public MachineCalibration GetOrCalibrate(bool force, Action<string>? progress, out string? reason, CancellationToken cancellationToken = default)
    {
        // Measuring takes seconds per device. Only a second measurement waits for it; readers of Current (a scrape,
        // a run placed on the roofline, the page) keep the figures they had meanwhile instead of stalling.
        lock (_measuring)
        {
            var cached = Load(out var why);
            if (!force && cached is not null)
            {
                Publish(cached);
                reason = null;
                return cached;
            }

            reason = force ? "asked to re-calibrate" : why;
            var now = _time.GetUtcNow();
            var measured = new List<DeviceCalibration>();
            // Emulators (ilgpu-cpu) are left out: their timings say nothing about hardware, and a GEMM of the
            // calibration's size takes minutes on one, all of it at the expense of the real devices' runs.
            foreach (var info in _devices.MeasuringDevices)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(info.Id);
                measured.Add(DeviceCalibrator.Calibrate(_devices.Open(info.Id), now, _settings, cancellationToken));
            }

            var calibration = new MachineCalibration(CurrentKey(), now, measured);
            Publish(calibration);
            Save(calibration);
            return calibration;
        }
    }

    /// <summary>
    /// The calibration of <paramref name="deviceId"/> with the ceilings a prediction in <paramref name="precision"/>
    /// rests on measured again now (<see cref="DeviceCalibrator.Recheck"/>); nothing is saved. Null when the device has
    /// no calibration.
    /// </summary>
    public DeviceCalibration? Recheck(string deviceId, string precision)
    {
        var calibrated = Current?.For(deviceId);
        return calibrated is null ? null : DeviceCalibrator.Recheck(_devices.Open(deviceId), calibrated, precision, _time.GetUtcNow(), _settings);
    }

    /// <summary>
    /// <paramref name="info"/> with its peaks replaced by the calibrated ones (fp32 and other measured precisions,
    /// bandwidth), the datasheet figures kept in <see cref="DeviceInfo.PeakSource"/>; unchanged when not calibrated.
    /// </summary>
    public DeviceInfo Apply(DeviceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var device = Current?.For(info.Id);
        if (device is null)
        {
            return info;
        }

        var byType = new Dictionary<DataType, double>(info.PeakFlopsByType);
        foreach (var ceiling in device.Compute.Where(c => c.Measured is not null && c.Precision is "fp16" or "bf16"))
        {
            byType[DataTypeExtensions.ParseShortName(ceiling.Precision)] = ceiling.Measured!.High;
        }

        // The block-quantized types the device multiplies as int8 (those its datasheet gives an int8 peak) take the
        // measured int8 rate.
        if (device.ComputeFor("int8")?.Measured is { } int8)
        {
            foreach (var type in byType.Keys.Where(t => t.IsBlockQuantized()).ToArray())
            {
                byType[type] = int8.High;
            }
        }

        var fp32 = device.ComputeFor("fp32");
        return info with
        {
            PeakFlopsPerSecond = fp32?.Measured?.High ?? info.PeakFlopsPerSecond,
            PeakFlopsByType = byType,
            PeakBandwidthBytesPerSecond = device.Bandwidth?.High ?? info.PeakBandwidthBytesPerSecond,
            PeakSource = string.Create(CultureInfo.InvariantCulture,
                $"calibrated {device.MeasuredAt:yyyy-MM-dd'T'HH:mm'Z'} ({fp32?.Method}; bandwidth: triad traffic, best of {device.Bandwidth?.Repetitions}); datasheet: {info.PeakSource}"),
        };
    }

    private void Publish(MachineCalibration calibration)
    {
        lock (_gate)
        {
            _current = calibration;
            _loaded = true;
        }
    }

    private MachineCalibration? Load(out string reason)
    {
        if (!File.Exists(FilePath))
        {
            reason = $"no calibration in {FilePath}";
            return null;
        }

        MachineCalibration? stored;
        try
        {
            stored = JsonSerializer.Deserialize<MachineCalibration>(File.ReadAllText(FilePath), Json);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            reason = $"{FilePath} could not be read ({ex.Message.Split('\n')[0]})";
            return null;
        }

        var key = CurrentKey();
        if (stored?.Key != key)
        {
            reason = $"the machine changed since {FilePath} was written (was: {stored?.Key}; now: {key})";
            return null;
        }

        // A file from before a ceiling was added lacks it; predicting without it would silently drop that term, so
        // the file counts as missing and the devices are measured again.
        if (stored.Devices.FirstOrDefault(d => RequiredWorkloadKinds.Any(k => d.Workload(k) is null)) is { } partial)
        {
            reason = $"{FilePath} has no {string.Join(" or ", RequiredWorkloadKinds.Where(k => partial.Workload(k) is null))} ceiling for {partial.DeviceId} (written by an older agent)";
            return null;
        }

        reason = "";
        return stored;
    }

    private void Save(MachineCalibration calibration)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            // Written beside and renamed, so a second process never reads half a file.
            var temporary = $"{FilePath}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(calibration, Json));
            File.Move(temporary, FilePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not being able to cache only costs a re-measurement next time; the figures are still good for this process.
            SaveError = $"could not save {FilePath}: {ex.Message}";
        }
    }
}
