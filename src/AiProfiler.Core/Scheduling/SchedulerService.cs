using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Metrics;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using AiProfiler.Core.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Scheduling;

/// <summary>
/// Keeps running the configured jobs: each job on each of its devices every <c>IntervalSeconds</c>, one run at a
/// time so runs never disturb each other's measurements. A job whose workload or device went away (a plugin removed,
/// a backend unavailable) is skipped with one log line, not retried in a loop of errors. Each run happens in its
/// plugin's worker process (<see cref="WorkerPool"/>), so nothing a plugin does can stop the schedule.
/// </summary>
public sealed partial class SchedulerService : BackgroundService
{
    private readonly ScheduleOptions _options;
    private readonly PluginCatalog _catalog;
    private readonly DeviceRegistry _devices;
    private readonly ProfilerMetrics _metrics;
    private readonly WorkerPool _workers;
    private readonly TimeProvider _time;
    private readonly ILogger<SchedulerService> _logger;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>Creates the scheduler.</summary>
    public SchedulerService(IOptions<ScheduleOptions> options, PluginCatalog catalog, DeviceRegistry devices, ProfilerMetrics metrics, WorkerPool workers, ILogger<SchedulerService> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _catalog = catalog;
        _devices = devices;
        _metrics = metrics;
        _workers = workers;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || _options.Jobs.Count == 0)
        {
            LogIdle();
            return;
        }

        var next = new DateTimeOffset[_options.Jobs.Count];
        var start = _time.GetUtcNow() + TimeSpan.FromSeconds(_options.InitialDelaySeconds);
        Array.Fill(next, start);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var due = Array.IndexOf(next, next.Min());
                var wait = next[due] - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
                }

                var job = _options.Jobs[due];
                next[due] = _time.GetUtcNow() + TimeSpan.FromSeconds(job.IntervalSeconds);
                await RunJobAsync(due, job, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the run in flight was cancelled and its buffers released.
        }
    }

    private async Task RunJobAsync(int index, ScheduledJobOptions job, CancellationToken stoppingToken)
    {
        var workload = _catalog.FindWorkload(job.Workload);
        var plugin = _catalog.FindPlugin(job.Workload);
        if (workload is null || plugin is null)
        {
            WarnOnce($"workload:{index}", $"job {index}: workload '{job.Workload}' is not loaded; skipping it until a plugin provides it");
            return;
        }

        ParameterSet parameters;
        try
        {
            parameters = ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string>(job.Parameters));
        }
        catch (ParameterException ex)
        {
            WarnOnce($"params:{index}:{workload.GetHashCode()}", $"job {index}: {ex.Message}; skipping it");
            return;
        }

        var ids = job.Devices.Contains("all") ? _devices.MeasuringDevices.Select(d => d.Id).ToArray() : [.. job.Devices];
        foreach (var id in ids)
        {
            if (_devices.Validate(id) is { } error)
            {
                WarnOnce($"device:{index}:{id}", $"job {index} ({workload.Name}): {error}; skipping this device");
                continue;
            }

            var options = new RunOptions
            {
                Iterations = job.Iterations,
                WarmupIterations = job.WarmupIterations,
                TimeBudget = TimeSpan.FromSeconds(job.TimeBudgetSeconds),
                Timeout = TimeSpan.FromSeconds(job.TimeoutSeconds),
                Verify = job.Verify,
                Threads = job.Threads,
            };
            var device = _devices.Devices.First(d => d.Id == DeviceRegistry.Normalize(id));
            var result = await _workers.RunAsync(plugin, workload.Name, device, parameters, options, null, stoppingToken).ConfigureAwait(false);
            _metrics.Record(result);
            if (result.Measured)
            {
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    var outcome = result.Outcome.ToString();
                    LogRun(result.Workload, result.Device.Id, result.Parameters, result.Latency!.Mean * 1e3, result.FlopsPerSecond / 1e9, outcome);
                }
            }
            else
            {
                LogRunFailed(result.Workload, result.Device.Id, result.Parameters, result.Error ?? result.Outcome.ToString());
            }
        }
    }

    private void WarnOnce(string key, string message)
    {
        if (_warned.Add(key))
        {
            LogSkipped(message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler idle: no jobs configured (Schedule:Jobs)")]
    private partial void LogIdle();

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Workload} on {Device} [{Params}]: mean {MeanMs:0.###} ms, {Gflops:0.##} GFLOP/s, {Outcome}")]
    private partial void LogRun(string workload, string device, string @params, double meanMs, double gflops, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {Workload} on {Device} [{Params}] did not complete: {Reason}")]
    private partial void LogRunFailed(string workload, string device, string @params, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private partial void LogSkipped(string message);
}
