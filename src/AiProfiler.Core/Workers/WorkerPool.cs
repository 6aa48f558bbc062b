using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using AiProfiler.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Workers;

/// <summary>
/// Runs workloads in worker processes: one warm worker per plugin, started on its first run, reused while the plugin's
/// folder is unchanged (so its device contexts and JIT are set up once) and replaced when the folder is reloaded. A run
/// past its timeout kills the worker; a worker that dies becomes a failed run naming the cause, with its last standard
/// error lines in the log; a plugin whose workers keep dying is quarantined (<see cref="PluginQuarantine"/>).
/// </summary>
public sealed partial class WorkerPool : IAsyncDisposable, IDisposable
{
    /// <summary>Time a worker gets past the run's timeout to report the timeout itself before it is killed.</summary>
    private static readonly TimeSpan KillAfterTimeout = TimeSpan.FromSeconds(2);
    private readonly WorkerLaunch _launch;
    private readonly WorkerOptions _options;
    private readonly PluginQuarantine _quarantine;
    private readonly TimeProvider _time;
    private readonly CalibrationCache? _calibration;
    private readonly ILogger<WorkerPool> _logger;
    private readonly Dictionary<string, (PluginRecord Record, WorkerProcess Worker)> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Creates the pool; no worker starts until the first run. Results are placed against the calibrated peaks of
    /// <paramref name="calibration"/> where the device has been calibrated, as an in-process <see cref="Runner"/> places them.
    /// </summary>
    public WorkerPool(WorkerLaunch launch, IOptions<WorkerOptions> options, PluginQuarantine quarantine, ILogger<WorkerPool> logger, TimeProvider? time = null, CalibrationCache? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _launch = launch;
        _options = options.Value;
        _quarantine = quarantine;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _calibration = calibration;
    }

    /// <summary>
    /// Runs <paramref name="workload"/> of <paramref name="plugin"/> on <paramref name="device"/> in the plugin's worker.
    /// Only the caller's cancellation throws (after the worker was told to stop, and killed if it did not).
    /// </summary>
    public async Task<RunResult> RunAsync(PluginRecord plugin, string workload, DeviceInfo device, ParameterSet parameters, RunOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        device = _calibration?.Apply(device) ?? device;
        var started = _time.GetUtcNow();
        RunResult Failure(RunOutcome outcome, string error) => new()
        {
            Workload = workload,
            Device = device,
            Parameters = parameters.ToString(),
            ParameterLabel = parameters.ToLabel(),
            Outcome = outcome,
            StartedAt = started,
            Error = error,
        };

        if (_quarantine.Find(plugin.Name) is { } quarantined)
        {
            return Failure(RunOutcome.Refused, Describe(quarantined));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WorkerProcess worker;
            try
            {
                worker = await WorkerForAsync(plugin).ConfigureAwait(false);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                return Failure(RunOutcome.Failed, $"could not start a worker process ({_launch.FileName}): {ex.Message}");
            }

            var request = new WorkerRequest
            {
                Kind = WorkerRequest.Run,
                PluginFolder = plugin.Folder,
                Workload = workload,
                Device = device.Id,
                DeviceInfo = device,
                Parameters = new Dictionary<string, string>(parameters.Values, StringComparer.Ordinal),
                Threads = options.Threads,
                Iterations = options.Iterations,
                WarmupIterations = options.WarmupIterations,
                TimeBudgetSeconds = options.TimeBudget.TotalSeconds,
                TimeoutSeconds = options.Timeout.TotalSeconds,
                Verify = options.Verify,
            };
            WorkerExchange exchange;
            try
            {
                exchange = await worker.RequestAsync(request, r => progress?.Report(new RunProgress(r.Phase, r.Completed, r.Total, r.Note)), options.Timeout + KillAfterTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await RetireAsync(plugin.Name).ConfigureAwait(false);
                throw;
            }

            if (exchange.Reply?.Result is { } measured)
            {
                if (_quarantine.Lift(plugin.Name))
                {
                    LogLifted(plugin.Name);
                }

                return measured.ToRunResult(device);
            }

            await RetireAsync(plugin.Name).ConfigureAwait(false);
            var cause = exchange.TimedOut
                ? string.Create(CultureInfo.InvariantCulture, $"timed out after {options.Timeout.TotalSeconds:0.#} s; the worker was killed (raise TimeoutSeconds or choose smaller sizes)")
                : exchange.Death ?? "worker exited";
            LogDied(plugin.Name, workload, cause, string.Join(Environment.NewLine + "  ", exchange.StderrTail.TakeLast(10)));
            if (_quarantine.RecordDeath(plugin.Name, cause) is { } quarantine)
            {
                LogQuarantined(plugin.Name, quarantine.Deaths, quarantine.Until, cause);
            }

            return Failure(exchange.TimedOut ? RunOutcome.TimedOut : RunOutcome.Failed, cause);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops every worker (each is told to stop, then killed after the grace period).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in _workers.Keys.ToArray())
        {
            await RetireAsync(name).ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The one-line reason a quarantined plugin's run is refused.</summary>
    public static string Describe(QuarantinedPlugin quarantined)
    {
        ArgumentNullException.ThrowIfNull(quarantined);
        return string.Create(CultureInfo.InvariantCulture,
            $"plugin {quarantined.Plugin} is quarantined until {quarantined.Until:HH:mm:ss} UTC after {quarantined.Deaths} worker deaths in a row (last: {quarantined.Cause}); it is tried again then, or at once when its folder is replaced");
    }

    private async Task<WorkerProcess> WorkerForAsync(PluginRecord plugin)
    {
        if (_workers.TryGetValue(plugin.Name, out var entry))
        {
            if (ReferenceEquals(entry.Record, plugin) && !entry.Worker.HasExited)
            {
                return entry.Worker;
            }

            if (!ReferenceEquals(entry.Record, plugin) && _quarantine.Lift(plugin.Name))
            {
                LogLifted(plugin.Name);
            }

            await RetireAsync(plugin.Name).ConfigureAwait(false);
        }

        var worker = WorkerProcess.Start(_launch, HeapLimitBytes(), TimeSpan.FromMilliseconds(_options.StopGraceMilliseconds));
        _workers[plugin.Name] = (plugin, worker);
        LogStarted(plugin.Name, worker.Id);
        return worker;
    }

    private async Task RetireAsync(string plugin)
    {
        if (_workers.Remove(plugin, out var entry))
        {
            await entry.Worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    private long HeapLimitBytes() => _options.MemoryLimitMegabytes > 0
        ? _options.MemoryLimitMegabytes * 1024L * 1024
        : HostMemoryReader.System.TotalBytes() / 4 * 3;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Plugin {Plugin}: worker process {Pid} started")]
    private partial void LogStarted(string plugin, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin}: the worker running {Workload} ended: {Cause}; its last output:\n  {Stderr}")]
    private partial void LogDied(string plugin, string workload, string cause, string stderr);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {Plugin} quarantined after {Deaths} worker deaths in a row until {Until:u} (last: {Cause}); replace its folder or wait to lift it")]
    private partial void LogQuarantined(string plugin, int deaths, DateTimeOffset until, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {Plugin}: quarantine lifted")]
    private partial void LogLifted(string plugin);
}
