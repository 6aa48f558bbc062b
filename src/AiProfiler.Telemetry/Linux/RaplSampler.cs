using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Linux;

/// <summary>
/// Energy per RAPL zone (package, core, uncore, dram, psys) from the powercap interface, as a joules counter. Since
/// Linux 5.10 energy_uj is readable by root only, so an unprivileged agent reports the sampler unavailable.
/// </summary>
internal sealed class RaplSampler(string sysRoot) : ISampler
{
    private readonly string _directory = Path.Combine(sysRoot, "class", "powercap");
    private RaplZone[] _zones = [];

    public string Name => "rapl";

    public string? Start()
    {
        if (!Directory.Exists(_directory))
        {
            return $"{_directory} not found (no RAPL powercap driver)";
        }

        var candidates = Directory.EnumerateDirectories(_directory, "intel-rapl:*")
            .Where(d => File.Exists(Path.Combine(d, "energy_uj")))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (candidates.Length == 0)
        {
            return $"no RAPL zone in {_directory}";
        }

        _zones = candidates
            .Select(RaplZone.TryOpen)
            .OfType<RaplZone>()
            .ToArray();
        return _zones.Length > 0 ? null : $"energy_uj of the RAPL zones in {_directory} is not readable (root only since Linux 5.10)";
    }

    public void Collect(IMetricWriter writer)
    {
        foreach (var zone in _zones)
        {
            if (SysfsValue.TryRead(zone.EnergyPath, out var microjoules))
            {
                writer.Counter(
                    "host_rapl_energy",
                    "J",
                    "Energy the RAPL zone consumed, from its wrapping energy_uj counter.",
                    zone.Counter.Update(microjoules, zone.MaxRangeMicrojoules),
                    Label.Of("zone", zone.Id),
                    Label.Of("name", zone.ZoneName));
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class RaplZone
    {
        private RaplZone(string directory, string zoneName, ulong maxRange)
        {
            Id = Path.GetFileName(directory);
            ZoneName = zoneName;
            EnergyPath = Path.Combine(directory, "energy_uj");
            MaxRangeMicrojoules = maxRange;
        }

        public string Id { get; }

        public string ZoneName { get; }

        public string EnergyPath { get; }

        public ulong MaxRangeMicrojoules { get; }

        public RaplEnergyCounter Counter { get; } = new();

        public static RaplZone? TryOpen(string directory)
        {
            if (!SysfsValue.TryRead(Path.Combine(directory, "energy_uj"), out _))
            {
                return null;
            }

            var name = SysfsValue.TryReadText(Path.Combine(directory, "name"), out var text) ? text.Trim() : Path.GetFileName(directory);
            // Without max_energy_range_uj a wrap cannot be told from a reset; the 32-bit range is the common hardware width.
            var maxRange = SysfsValue.TryRead(Path.Combine(directory, "max_energy_range_uj"), out var range) ? range : uint.MaxValue;
            return new RaplZone(directory, name, maxRange);
        }
    }
}
