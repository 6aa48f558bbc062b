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
        try
        {
            await Task.Run(
                () =>
                {
                    if (calibrationOptions.Value.OnStart)
                    {
                        cache.GetOrCalibrate(false, id => LogCalibrating(id, cache.FilePath), out _, stoppingToken);
                    }
                },
                stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before every device was measured: nothing is cached, and the next start measures again.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrating {Device} (once per machine, cached in {Path})")]
    private partial void LogCalibrating(string device, string path);
}
