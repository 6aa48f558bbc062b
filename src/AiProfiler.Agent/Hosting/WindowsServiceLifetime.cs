using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Options;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// The host's lifetime when the agent runs as a Windows service, written against the service control manager's C API
/// (winsvc.h) because Microsoft.Extensions.Hosting.WindowsServices is not available: the dispatcher thread reports
/// START_PENDING, RUNNING once the host has started, STOP_PENDING when a stop begins (service stop or system
/// shutdown, both of which stop the host) and STOPPED at the end. It replaces the console lifetime only when
/// <see cref="IsWindowsService"/> is true; console runs keep Ctrl+C and SIGTERM handling unchanged.
/// </summary>
internal sealed unsafe partial class WindowsServiceLifetime : IHostLifetime, IDisposable
{
    // winsvc.h
    private const uint ServiceWin32OwnProcess = 0x10;
    private const uint ServiceStopped = 1;
    private const uint ServiceStartPending = 2;
    private const uint ServiceStopPending = 3;
    private const uint ServiceRunning = 4;
    private const uint ServiceAcceptStop = 0x1;
    private const uint ServiceAcceptShutdown = 0x4;
    private const uint ServiceControlStop = 1;
    private const uint ServiceControlInterrogate = 4;
    private const uint ServiceControlShutdown = 5;

    // winerror.h
    private const uint NoError = 0;
    private const uint ErrorCallNotImplemented = 120;

    // The SCM calls back on its own threads through static entry points; a process hosts one service, so one instance.
    private static WindowsServiceLifetime? s_current;

    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILogger<WindowsServiceLifetime> _logger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<CancellationTokenRegistration> _registrations = [];
    private nint _statusHandle;
    private uint _state;
    private uint _checkPoint;
    private Thread? _dispatcher;

    [SupportedOSPlatform("windows")]
    public WindowsServiceLifetime(IHostApplicationLifetime lifetime, IOptions<HostOptions> hostOptions, ILogger<WindowsServiceLifetime> logger)
    {
        _lifetime = lifetime;
        _shutdownTimeout = hostOptions.Value.ShutdownTimeout;
        _logger = logger;
    }

    /// <summary>
    /// True when this process was started by the service control manager: on Windows, in session 0, with
    /// services.exe as its parent. False everywhere else, so the call is safe on every OS.
    /// </summary>
    [SupportedOSPlatformGuard("windows")]
    public static bool IsWindowsService()
    {
        if (!OperatingSystem.IsWindows())
        {
            return false;
        }

        using var current = Process.GetCurrentProcess();
        if (current.SessionId != 0 || ParentProcessId() is not { } parentId)
        {
            return false;
        }

        try
        {
            using var parent = Process.GetProcessById(parentId);
            return string.Equals(parent.ProcessName, "services", StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        s_current = this;
        _registrations.Add(cancellationToken.Register(() => _started.TrySetCanceled(cancellationToken)));
        _registrations.Add(_lifetime.ApplicationStarted.Register(() => Report(ServiceRunning, ServiceAcceptStop | ServiceAcceptShutdown, TimeSpan.Zero)));
        _registrations.Add(_lifetime.ApplicationStopping.Register(() => Report(ServiceStopPending, 0, _shutdownTimeout + TimeSpan.FromSeconds(5))));

        // StartServiceCtrlDispatcherW blocks until the service reports STOPPED, so it gets a thread of its own.
        _dispatcher = new Thread(RunDispatcher) { IsBackground = true, Name = "Service control dispatcher" };
        _dispatcher.Start();
        return _started.Task;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Report(ServiceStopped, 0, TimeSpan.Zero);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _dispatcher?.Join(TimeSpan.FromSeconds(5));
    }

    private static int? ParentProcessId()
    {
        ProcessBasicInformation info;
        uint returned;
        var status = NtQueryInformationProcess(-1, 0, &info, (uint)sizeof(ProcessBasicInformation), &returned);
        return status == 0 ? (int)info.InheritedFromUniqueProcessId : null;
    }

    private void RunDispatcher()
    {
        var name = Marshal.StringToHGlobalUni("");
        try
        {
            var table = stackalloc ServiceTableEntry[2];
            table[0] = new ServiceTableEntry { ServiceName = (char*)name, ServiceProc = &ServiceMain };
            table[1] = default;
            if (!StartServiceCtrlDispatcherW(table))
            {
                var error = new Win32Exception(Marshal.GetLastPInvokeError());
                _started.TrySetException(new InvalidOperationException($"StartServiceCtrlDispatcherW failed: {error.Message}; start the agent as a service with install.ps1, or run it from a console", error));
            }
        }
        finally
        {
            Marshal.FreeHGlobal(name);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static void ServiceMain(uint argc, char** argv)
    {
        var self = s_current;
        if (self is null)
        {
            return;
        }

        // For an own-process service the SCM ignores the name passed here.
        self._statusHandle = RegisterServiceCtrlHandlerExW(argc > 0 ? argv[0] : null, &HandleControl, 0);
        if (self._statusHandle == 0)
        {
            var error = new Win32Exception(Marshal.GetLastPInvokeError());
            self._started.TrySetException(new InvalidOperationException($"RegisterServiceCtrlHandlerExW failed: {error.Message}", error));
            return;
        }

        self.Report(ServiceStartPending, 0, TimeSpan.FromSeconds(30));
        self._started.TrySetResult();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static uint HandleControl(uint control, uint eventType, nint eventData, nint context)
    {
        var self = s_current;
        switch (control)
        {
            case ServiceControlStop or ServiceControlShutdown when self is not null:
                self.Report(ServiceStopPending, 0, self._shutdownTimeout + TimeSpan.FromSeconds(5));
                self._lifetime.StopApplication();
                return NoError;
            case ServiceControlInterrogate:
                return NoError;
            default:
                return ErrorCallNotImplemented;
        }
    }

    private void Report(uint state, uint controlsAccepted, TimeSpan waitHint)
    {
        lock (_gate)
        {
            if (_statusHandle == 0 || _state == ServiceStopped || (state == _state && state != ServiceStartPending && state != ServiceStopPending))
            {
                return;
            }

            _checkPoint = state is ServiceStartPending or ServiceStopPending ? _checkPoint + 1 : 0;
            var status = new ServiceStatus
            {
                ServiceType = ServiceWin32OwnProcess,
                CurrentState = state,
                ControlsAccepted = controlsAccepted,
                Win32ExitCode = NoError,
                ServiceSpecificExitCode = 0,
                CheckPoint = _checkPoint,
                WaitHint = (uint)waitHint.TotalMilliseconds,
            };
            if (SetServiceStatus(_statusHandle, &status))
            {
                _state = state;
            }
            else
            {
                LogStatusFailed(state, new Win32Exception(Marshal.GetLastPInvokeError()).Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SetServiceStatus({State}) failed: {Reason}")]
    private partial void LogStatusFailed(uint state, string reason);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool StartServiceCtrlDispatcherW(ServiceTableEntry* serviceStartTable);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    private static partial nint RegisterServiceCtrlHandlerExW(char* serviceName, delegate* unmanaged[Stdcall]<uint, uint, nint, nint, uint> handler, nint context);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetServiceStatus(nint serviceStatusHandle, ServiceStatus* serviceStatus);

    [LibraryImport("ntdll.dll")]
    private static partial int NtQueryInformationProcess(nint processHandle, int processInformationClass, ProcessBasicInformation* processInformation, uint processInformationLength, uint* returnLength);

    /// <summary>SERVICE_TABLE_ENTRYW: the service's name and its ServiceMain.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ServiceTableEntry
    {
        public char* ServiceName;
        public delegate* unmanaged[Stdcall]<uint, char**, void> ServiceProc;
    }

    /// <summary>SERVICE_STATUS: seven DWORDs, in this order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ServiceStatus
    {
        public uint ServiceType;
        public uint CurrentState;
        public uint ControlsAccepted;
        public uint Win32ExitCode;
        public uint ServiceSpecificExitCode;
        public uint CheckPoint;
        public uint WaitHint;
    }

    /// <summary>
    /// PROCESS_BASIC_INFORMATION (ProcessInformationClass 0): NTSTATUS ExitStatus, PPEB PebBaseAddress, KAFFINITY
    /// AffinityMask, KPRIORITY BasePriority, ULONG_PTR UniqueProcessId, ULONG_PTR InheritedFromUniqueProcessId; every
    /// field occupies one pointer-sized slot on both 32- and 64-bit Windows.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ProcessBasicInformation
    {
        public nint ExitStatus;
        public nint PebBaseAddress;
        public nint AffinityMask;
        public nint BasePriority;
        public nint UniqueProcessId;
        public nint InheritedFromUniqueProcessId;
    }
}
