using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// The host's lifetime under a service manager, from Microsoft.Extensions.Hosting.WindowsServices and .Systemd: the
/// service control manager's lifetime when Windows started the agent as a service; systemd's when systemd did
/// (READY=1 once Kestrel listens, STOPPING=1 when a stop begins, SIGTERM stops the host); the console lifetime
/// everywhere else. Both packages are inert outside their service manager.
/// </summary>
internal static class ServiceLifetimeServiceCollectionExtensions
{
    public const string NotifySocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogMicrosecondsVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    /// <summary>Adds the service manager's lifetime, reading systemd's variables from the environment.</summary>
    public static IServiceCollection AddServiceLifetimes(this IServiceCollection services) => services.AddServiceLifetimes(
        Environment.GetEnvironmentVariable(NotifySocketVariable),
        Environment.GetEnvironmentVariable(WatchdogMicrosecondsVariable),
        Environment.GetEnvironmentVariable(WatchdogPidVariable));

    /// <summary>Adds the service manager's lifetime for the given values of systemd's variables.</summary>
    public static IServiceCollection AddServiceLifetimes(this IServiceCollection services, string? notifySocket, string? watchdogMicroseconds, string? watchdogPid)
    {
        services.AddWindowsService();
        if (!string.IsNullOrEmpty(notifySocket) && !IsSupportedSocket(notifySocket))
        {
            // The package would fail on every message; one warning, and the agent runs as a console process.
            services.AddHostedService(sp => new SystemdWatchdogService(null, notifySocket, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<SystemdWatchdogService>>()));
            return services;
        }

        services.AddSystemd();

        // sd_notify(3) honours NOTIFY_SOCKET whoever started the process; the package also wants systemd as the
        // parent, which a wrapper script, a supervisor in a container, or the test acting as systemd is not.
        if (!string.IsNullOrEmpty(notifySocket) && !SystemdHelpers.IsSystemdService())
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        var interval = WatchdogInterval(watchdogMicroseconds, watchdogPid, Environment.ProcessId);
        services.AddHostedService(sp => new SystemdWatchdogService(interval, null, sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<SystemdWatchdogService>>(), sp.GetService<ISystemdNotifier>()));
        return services;
    }

    /// <summary>A path, or <c>@name</c> for the abstract namespace; systemd's other forms (<c>vsock:</c>) are not supported.</summary>
    internal static bool IsSupportedSocket(string value) => value is ['/', ..] or ['@', _, ..];

    /// <summary>
    /// How often to send WATCHDOG=1: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises, and only when
    /// WATCHDOG_PID is unset or names this process (the variables may have been inherited from a parent).
    /// </summary>
    internal static TimeSpan? WatchdogInterval(string? microseconds, string? pid, int processId)
    {
        if (!ulong.TryParse(microseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec == 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(pid) && pid != processId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec / 2.0);
    }
}
