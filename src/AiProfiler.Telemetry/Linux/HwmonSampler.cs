using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Temperatures from hwmon (sysfs temp*_input, millidegrees Celsius), labelled by chip and sensor.</summary>
internal sealed class HwmonSampler(string sysRoot) : ISampler
{
    private readonly string _directory = Path.Combine(sysRoot, "class", "hwmon");
    private Sensor[] _sensors = [];

    public string Name => "hwmon";

    public string? Start()
    {
        if (!Directory.Exists(_directory))
        {
            return $"{_directory} not found (no hardware monitoring driver, as in most VMs)";
        }

        var sensors = new List<Sensor>();
        foreach (var chipDirectory in Directory.EnumerateDirectories(_directory, "hwmon*").Order(StringComparer.Ordinal))
        {
            var hwmon = Path.GetFileName(chipDirectory);
            var chip = SysfsValue.TryReadText(Path.Combine(chipDirectory, "name"), out var name) ? name.Trim() : hwmon;
            foreach (var input in Directory.EnumerateFiles(chipDirectory, "temp*_input").Order(StringComparer.Ordinal))
            {
                var prefix = Path.GetFileName(input)[..^"_input".Length];
                var label = SysfsValue.TryReadText(Path.Combine(chipDirectory, prefix + "_label"), out var text) ? text.Trim() : prefix;
                sensors.Add(new Sensor(input, hwmon, chip, label));
            }
        }

        _sensors = [.. sensors];
        return _sensors.Length > 0 ? null : $"no temperature sensor in {_directory}";
    }

    public void Collect(IMetricWriter writer)
    {
        foreach (var sensor in _sensors)
        {
            // Some sensors answer EIO or ENODATA while their device sleeps; they are skipped for that round.
            if (SysfsValue.TryReadText(sensor.Path, out var text) && SysfsValue.TryParseSigned(text, out var millidegrees))
            {
                writer.Gauge(
                    "host_hwmon_temperature",
                    "Cel",
                    "Temperature of a hardware monitoring sensor.",
                    millidegrees / 1000d,
                    Label.Of("hwmon", sensor.Hwmon),
                    Label.Of("chip", sensor.Chip),
                    Label.Of("sensor", sensor.Label));
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed record Sensor(string Path, string Hwmon, string Chip, string Label);
}
