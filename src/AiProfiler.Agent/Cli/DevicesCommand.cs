using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Cli;

/// <summary><c>aiprofiler devices</c>: every device found, and every backend that is unavailable with its reason.</summary>
internal static class DevicesCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var format = AgentCli.FormatOption("table", "json");
        var config = AgentCli.ConfigOption();
        var command = new Command("devices", "List the devices found (kind, name, memory, compute units, estimated peaks) and unavailable backends with the reason.") { format, config };
        command.SetAction(parse =>
        {
            using var environment = CommandEnvironment.Create(parse.GetValue(config), null, error, loadPlugins: false);
            var backends = environment.Devices.Backends;
            var calibration = environment.Get<CalibrationCache>().Current;
            if (AgentCli.ParseFormat(parse.GetValue(format)!) == OutputFormat.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    devices = backends.SelectMany(b => b.Devices).Select(d => new
                    {
                        id = d.Id,
                        kind = d.Kind.ToString().ToLowerInvariant(),
                        name = d.Name,
                        vendor = d.Vendor,
                        driver = d.DriverVersion,
                        memoryBytes = d.MemoryBytes,
                        computeUnits = d.ComputeUnits,
                        clockHz = d.ClockHz,
                        peakFlopsPerSecond = d.PeakFlopsPerSecond,
                        peakFlopsByType = d.PeakFlopsByType.ToDictionary(p => p.Key.ShortName(), p => p.Value),
                        peakBandwidthBytesPerSecond = d.PeakBandwidthBytesPerSecond,
                        peakSource = d.PeakSource,
                        emulator = d.IsEmulator,
                        calibration = calibration?.For(d.Id),
                    }),
                    unavailable = backends.Where(b => b.UnavailableReason is not null).Select(b => new { backend = b.Prefix, reason = b.UnavailableReason }),
                }, RunResultFormatter.Json));
                return AgentCli.Success;
            }

            var table = new MarkdownTable("id", "kind", "name", "memory", "units", "datasheet GFLOP/s", "calibrated GFLOP/s", "estimated GB/s", "calibrated GB/s");
            foreach (var d in backends.SelectMany(b => b.Devices))
            {
                var measured = calibration?.For(d.Id);
                table.Add(d.Id, d.Kind.ToString().ToLowerInvariant() + (d.IsEmulator ? " (emulator)" : ""), d.Name, InsufficientDeviceMemoryException.FormatBytes(d.MemoryBytes),
                    d.ComputeUnits.ToString(CultureInfo.InvariantCulture), Units.Giga(d.PeakFlopsPerSecond),
                    measured?.ComputeFor("fp32")?.Measured?.Describe(1e9) ?? "-", Units.Giga(d.PeakBandwidthBytesPerSecond),
                    measured?.Bandwidth?.Describe(1e9) ?? "-");
            }

            output.Write(table.ToString());
            output.WriteLine(calibration is null
                ? "not calibrated on this machine yet: run `aiprofiler calibrate`"
                : Units.Invariant($"calibrated {calibration.MeasuredAt:yyyy-MM-dd HH:mm} UTC (median (low–high, runs); `aiprofiler calibrate` for every ceiling)"));
            foreach (var b in backends.Where(b => b.UnavailableReason is not null))
            {
                output.WriteLine($"{b.Prefix}: unavailable: {b.UnavailableReason}");
            }

            foreach (var d in backends.SelectMany(b => b.Devices).Where(d => d.PeakSource.Length > 0))
            {
                output.WriteLine($"{d.Id} peaks: {d.PeakSource}");
            }

            return AgentCli.Success;
        });
        return command;
    }
}
