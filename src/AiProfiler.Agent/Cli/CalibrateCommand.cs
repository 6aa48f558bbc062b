using System.CommandLine;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>aiprofiler calibrate</c>: measures every device's ceilings now (FMA throughput per precision, memory bandwidth,
/// host↔device copies), replaces the cached calibration and prints it beside the datasheet figures.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var format = AgentCli.FormatOption("table", "json");
        var cached = new Option<bool>("--cached") { Description = "print the cached calibration, measuring only when there is no valid one" };
        var config = AgentCli.ConfigOption();
        var command = new Command("calibrate", "Measure every device's FMA throughput, memory bandwidth and host<->device bandwidth, and cache them for this machine.")
        {
            format, cached, config,
        };
        command.SetAction(parse =>
        {
            using var environment = CommandEnvironment.Create(parse.GetValue(config), null, error, loadPlugins: false);
            var cache = environment.Get<CalibrationCache>();
            var calibration = cache.GetOrCalibrate(!parse.GetValue(cached), id => error.WriteLine($"calibrating {id} ..."), out var reason);
            error.WriteLine(reason is null ? $"calibration read from {cache.FilePath}" : $"calibration measured ({reason}), saved to {cache.FilePath}");
            if (cache.SaveError is { } problem)
            {
                error.WriteLine($"warning: {problem}");
            }

            output.Write(CalibrationFormatter.Format(calibration, AgentCli.ParseFormat(parse.GetValue(format)!)));
            return AgentCli.Success;
        });
        return command;
    }
}
