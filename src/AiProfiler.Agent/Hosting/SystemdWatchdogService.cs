using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// Sends WATCHDOG=1 through the systemd notifier every <c>interval</c> (half the unit's <c>WatchdogSec</c>), so
/// systemd restarts an agent that hangs; Microsoft.Extensions.Hosting.Systemd sends READY=1 and STOPPING=1 but no
/// watchdog. Also says once why notifications are off when NOTIFY_SOCKET names a socket the package cannot use.
/// </summary>
internal sealed partial class SystemdWatchdogService(
    TimeSpan? interval, string? unsupportedSocket, TimeProvider time, ILogger<SystemdWatchdogService> logger, ISystemdNotifier? notifier = null)
    : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (unsupportedSocket is not null)
        {
            LogUnsupportedSocket(unsupportedSocket);
        }

        // Made here, not in ExecuteAsync (which the host runs later on the thread pool): the first interval counts from start.
        if (notifier is { IsEnabled: true } && interval is { } period)
        {
            _timer = new PeriodicTimer(period, time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (_timer is not null && await _timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                notifier!.Notify(Watchdog);
            }
            catch (SocketException ex)
            {
                // Without the watchdog systemd restarts the agent when WatchdogSec runs out; say why, once.
                LogWatchdogFailed(ex.Message);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NOTIFY_SOCKET '{Socket}' is neither a path nor an @abstract name; systemd notifications are off")]
    private partial void LogUnsupportedSocket(string socket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not send WATCHDOG=1 to systemd: {Reason}; the watchdog is off")]
    private partial void LogWatchdogFailed(string reason);
}
