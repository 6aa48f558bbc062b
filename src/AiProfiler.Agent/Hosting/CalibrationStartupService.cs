using AiProfiler.Core.Calibration;
using Microsoft.Extensions.Options;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// At start, in the background: uses the cached calibration, or measures the devices when there is none for this
/// machine (<c>Calibration:OnStart</c>). The page, the roofline and the verdicts of <c>Advise:Scenarios</c> read it
/// from the cache once it is there.
/// </summary>
internal sealed partial class CalibrationStartupService(
    CalibrationCache cache,
    IOptions<CalibrationOptions> calibrationOptions,
    ILogger<CalibrationStartupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!calibrationOptions.Value.OnStart)
        {
            return;
        }

        // A stop during the measurement ends it between two measurements (a second or two each); nothing is saved
        // then, and the next start measures again. The devices stay open until this returns.
        try
        {
            await Task.Run(() => cache.GetOrCalibrate(false, id => LogCalibrating(id, cache.FilePath), out _, stoppingToken), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogCalibrationStopped();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrating {Device} (once per machine, cached in {Path})")]
    private partial void LogCalibrating(string device, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibration stopped with the agent; it runs again at the next start")]
    private partial void LogCalibrationStopped();
}
