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

        // A stop during the measurement must not wait for it (the agent stops within 5 s): the device being measured
        // finishes on a pool thread, which ends with the process, and no further device is started. The cache is
        // written atomically, so a calibration cut short leaves no half-written file: the next start measures again.
        var calibration = Task.Run(
            () =>
            {
                try
                {
                    cache.GetOrCalibrate(false, id => LogCalibrating(id, cache.FilePath), out _, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Stopped between two devices.
                }
            },
            CancellationToken.None);
        await Task.WhenAny(calibration, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrating {Device} (once per machine, cached in {Path})")]
    private partial void LogCalibrating(string device, string path);
}
