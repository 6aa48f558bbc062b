using System.Text.Json;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// Prints a <see cref="MachineCalibration"/>: one row per ceiling, measured (the best pass, which is the ceiling the
/// rooflines and the GEMM predictions use, then the median, which the decode GEMV's rates use, and the low–high range)
/// beside the datasheet.
/// </summary>
internal static class CalibrationFormatter
{
    public static string Format(MachineCalibration calibration, OutputFormat format) => format == OutputFormat.Json
        ? JsonSerializer.Serialize(calibration, RunResultFormatter.Json) + "\n"
        : Table(calibration);

    private static string Table(MachineCalibration calibration)
    {
        var table = new MarkdownTable("device", "ceiling", "measured best", "median", "low–high", "spread", "datasheet", "method");
        foreach (var device in calibration.Devices)
        {
            foreach (var c in device.Compute)
            {
                var unit = c.Precision == "int8" ? "GOP/s" : "GFLOP/s";
                table.Add(device.DeviceId, $"{c.Precision} {unit}", c.Measured is { } b ? Units.Giga(b.High) : "-", c.Measured is { } m ? Units.Giga(m.Median) : "-",
                    c.Measured is { } r ? $"{Units.Giga(r.Low)}–{Units.Giga(r.High)}" : "-",
                    c.Measured is { } s ? Units.Percent(s.RelativeSpread) : "-", Datasheet(c.DatasheetFlopsPerSecond), c.Method);
            }

            Bandwidth(table, device.DeviceId, "memory GB/s", device.Bandwidth, device.DatasheetBandwidthBytesPerSecond, "triad traffic (a = b + c), device's element-wise add");
            Bandwidth(table, device.DeviceId, "host->device GB/s", device.HostToDevice, 0, "write of a host array");
            Bandwidth(table, device.DeviceId, "device->host GB/s", device.DeviceToHost, 0, "read into a host array");
            foreach (var w in device.Workloads)
            {
                if (w.Kind.EndsWith("-latency", StringComparison.Ordinal))
                {
                    var us = w.Rate;
                    table.Add(device.DeviceId, $"{w.Kind} us", Micro(w.Value), Micro(us.Median), $"{Micro(us.Low)}–{Micro(us.High)}", Units.Percent(us.RelativeSpread), "-", w.Source);
                    continue;
                }

                var precision = w.Precision == "fp32" ? "" : $" {w.Precision}";
                var name = w.Kind is "decode-bandwidth" or "decode-bandwidth-narrow" or "prefill-elementwise" ? $"{w.Kind}{precision} GB/s" : $"{w.Kind}{precision} GFLOP/s";
                Bandwidth(table, device.DeviceId, name, w.Rate, 0, w.Source);
            }
        }

        return table + Units.Invariant($"calibrated {calibration.MeasuredAt:yyyy-MM-dd HH:mm:ss} UTC for: {calibration.Key}\n");
    }

    private static void Bandwidth(MarkdownTable table, string device, string name, MeasuredRate? rate, double datasheet, string method)
    {
        if (rate is null && datasheet <= 0)
        {
            return;
        }

        table.Add(device, name, rate is null ? "-" : Units.Giga(rate.High), rate is null ? "-" : Units.Giga(rate.Median), rate is null ? "-" : $"{Units.Giga(rate.Low)}–{Units.Giga(rate.High)}",
            rate is null ? "-" : Units.Percent(rate.RelativeSpread), Datasheet(datasheet), method);
    }

    private static string Micro(double seconds) => Units.Invariant($"{seconds * 1e6:0.##}");

    private static string Datasheet(double value) => value > 0 ? Units.Giga(value) : "-";
}
