using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// The sd_notify protocol for a <c>Type=notify</c> systemd unit, written here because
/// Microsoft.Extensions.Hosting.Systemd is not available: <c>READY=1</c> once the host has started (plugins loaded,
/// Kestrel listening), <c>STOPPING=1</c> as soon as a stop begins, and <c>WATCHDOG=1</c> at half the unit's
/// <c>WatchdogSec</c> when systemd asks for it. Each message is one datagram to the Unix socket named in
/// <c>NOTIFY_SOCKET</c>; a leading <c>@</c> names a socket in the abstract namespace. Without <c>NOTIFY_SOCKET</c>
/// (not started by systemd, or not Linux) it does nothing, so console runs are unchanged.
/// </summary>
internal sealed partial class SystemdNotifier : IHostedService, IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogMicrosecondsVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<SystemdNotifier> _logger;
    private readonly UnixDomainSocketEndPoint? _endpoint;
    private readonly TimeSpan? _watchdogInterval;
    private readonly Lock _gate = new();
    private readonly List<CancellationTokenRegistration> _registrations = [];
    private Socket? _socket;
    private ITimer? _watchdog;
    private bool _sendFailureLogged;
    private bool _disposed;

    public SystemdNotifier(IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SystemdNotifier> logger)
    {
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        var socket = Environment.GetEnvironmentVariable(SocketVariable);
        if (string.IsNullOrEmpty(socket))
        {
            return;
        }

        _endpoint = EndpointFor(socket);
        if (_endpoint is null)
        {
            LogUnsupportedSocket(socket);
            return;
        }

        _watchdogInterval = WatchdogInterval(
            Environment.GetEnvironmentVariable(WatchdogMicrosecondsVariable),
            Environment.GetEnvironmentVariable(WatchdogPidVariable),
            Environment.ProcessId);
    }

    /// <summary>True when systemd gave the agent a notification socket.</summary>
    public bool Enabled => _endpoint is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is null)
        {
            return Task.CompletedTask;
        }

        _registrations.Add(_lifetime.ApplicationStarted.Register(OnStarted));
        _registrations.Add(_lifetime.ApplicationStopping.Register(OnStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        lock (_gate)
        {
            _disposed = true;
            _watchdog?.Dispose();
            _watchdog = null;
            _socket?.Dispose();
            _socket = null;
        }
    }

    /// <summary>
    /// The socket address for a NOTIFY_SOCKET value: a path, or <c>@name</c> for the abstract namespace (the kernel
    /// spells it with a leading NUL). Other forms systemd knows (<c>vsock:</c>) are not supported: null.
    /// </summary>
    internal static UnixDomainSocketEndPoint? EndpointFor(string value) => value switch
    {
        ['/', ..] => new UnixDomainSocketEndPoint(value),
        ['@', _, ..] => new UnixDomainSocketEndPoint("\0" + value[1..]),
        _ => null,
    };

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

    private void OnStarted()
    {
        Send("READY=1\nSTATUS=running the schedule and serving /metrics");
        if (_watchdogInterval is { } interval)
        {
            lock (_gate)
            {
                _watchdog = _disposed ? null : _time.CreateTimer(_ => Send("WATCHDOG=1"), null, interval, interval);
            }
        }
    }

    private void OnStopping()
    {
        lock (_gate)
        {
            _watchdog?.Dispose();
            _watchdog = null;
        }

        Send("STOPPING=1\nSTATUS=stopping");
    }

    private void Send(string message)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, (EndPoint)_endpoint!);
            }
            catch (SocketException ex)
            {
                // systemd treats a missing READY=1 as a failed start and says so; one log line is enough here.
                if (!_sendFailureLogged)
                {
                    _sendFailureLogged = true;
                    LogSendFailed(message.Split('\n')[0], Environment.GetEnvironmentVariable(SocketVariable) ?? "", ex.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NOTIFY_SOCKET '{Socket}' is neither a path nor an @abstract name; systemd notifications are off")]
    private partial void LogUnsupportedSocket(string socket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not send {Message} to systemd over NOTIFY_SOCKET '{Socket}': {Reason}")]
    private partial void LogSendFailed(string message, string socket, string reason);
}
