using AiProfiler.Agent.Cli;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Devices;
using Microsoft.Extensions.Options;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// At start, in the background: uses the cached calibration, or measures the devices when there is none for this
/// machine (<c>Calibration:OnStart</c>), then answers the scenarios of <c>Advise:Scenarios</c> for the page and the
/// <c>aiprofiler_advice_*</c> metrics.
/// </summary>
internal sealed partial class CalibrationStartupService(
    CalibrationCache cache,
    DeviceRegistry devices,
    AdviceBoard board,
    CalibrationMetrics calibrationMetrics,
    AdviceMetrics adviceMetrics,
    IOptions<CalibrationOptions> calibrationOptions,
    IOptions<AdviseOptions> adviseOptions,
    TimeProvider time,
    ILogger<CalibrationStartupService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            // The gauges exist once resolved; nothing else needs these two instances.
            GC.KeepAlive(calibrationMetrics);
            GC.KeepAlive(adviceMetrics);
            var calibration = calibrationOptions.Value.OnStart
                ? cache.GetOrCalibrate(false, id => LogCalibrating(id, cache.FilePath), out _)
                : cache.Current;
            if (calibration is null || stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var targets = new List<AdviceDevice>();
            foreach (var measured in calibration.Devices)
            {
                var device = devices.Open(measured.DeviceId);
                targets.Add(new AdviceDevice(measured, device.AvailableMemoryBytes, AdviseCommand.UnsupportedPrecisions(device)));
            }

            var problems = new List<string>();
            var answers = new List<ScenarioAdvice>();
            foreach (var entry in adviseOptions.Value.Scenarios)
            {
                if (AdviseOptions.Build(entry, out var error) is { } built)
                {
                    answers.Add(Advisor.Advise(built.Scenario, built.Model, targets));
                }
                else
                {
                    LogScenarioProblem(error);
                    problems.Add(error);
                }
            }

            board.Publish(new AdviceReport(time.GetUtcNow(), calibration, answers), problems);
        },
        stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrating {Device} (once per machine, cached in {Path})")]
    private partial void LogCalibrating(string device, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advise:Scenarios: {Problem}")]
    private partial void LogScenarioProblem(string problem);
}
