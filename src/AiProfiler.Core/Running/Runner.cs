using System.Diagnostics;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Roofline;

namespace AiProfiler.Core.Running;

/// <summary>
/// Measures one workload on one device: checks the footprint against free memory, prepares, warms up, times
/// iterations with the device's own timer until the count or the time budget is reached, verifies, and releases
/// everything, also when something fails. The result is always a <see cref="RunResult"/>; only the caller's
/// cancellation throws.
/// </summary>
public sealed class Runner
{
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(3);
    private readonly TimeProvider _time;
    private readonly CalibrationCache? _calibration;

    /// <summary>
    /// Creates a runner reading the clock from <paramref name="time"/>; results are placed against the calibrated
    /// peaks of <paramref name="calibration"/> where the device has been calibrated.
    /// </summary>
    public Runner(TimeProvider? time = null, CalibrationCache? calibration = null)
    {
        _time = time ?? TimeProvider.System;
        _calibration = calibration;
    }

    /// <summary>
    /// Runs on a dedicated thread so a run that ignores cancellation past its timeout is abandoned (reported as timed
    /// out) instead of blocking the caller.
    /// </summary>
    public async Task<RunResult> RunAsync(IWorkload workload, IDevice device, ParameterSet parameters, RunOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var run = Task.Factory.StartNew(
            () => Run(workload, device, parameters, options, progress, timeout.Token, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            return await run.WaitAsync(options.Timeout + AbandonGrace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Give the run's thread a moment to leave native code (OpenBLAS, a GPU driver): a process that exits while a
            // thread is inside such a library can crash in the library's exit handlers instead of stopping cleanly.
            await Task.WhenAny(run, Task.Delay(CancelGrace, _time)).ConfigureAwait(false);
            throw;
        }
        catch (TimeoutException)
        {
            return Failure(workload, device, parameters, _time.GetUtcNow() - options.Timeout, RunOutcome.TimedOut,
                $"timed out after {options.Timeout.TotalSeconds:0.#} s and did not stop; raise TimeoutSeconds or choose smaller sizes");
        }
    }

    /// <summary>Runs synchronously on the calling thread.</summary>
    public RunResult Run(IWorkload workload, IDevice device, ParameterSet parameters, RunOptions options, IProgress<RunProgress>? progress, CancellationToken runToken, CancellationToken callerToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        var started = _time.GetUtcNow();
        var precision = PrecisionOf(parameters);
        IPreparedWorkload? prepared = null;
        var threaded = device as IThreadedDevice;
        var deviceThreads = threaded?.Threads;
        try
        {
            if (options.Threads is { } threads && threaded is not null)
            {
                if (threads < 1 || threads > threaded.MaxThreads)
                {
                    return Failure(workload, device, parameters, started, RunOutcome.Refused,
                        $"{threads} threads asked for on device '{device.Info.Id}', which runs on 1 to {threaded.MaxThreads}; choose a thread count in that range");
                }

                threaded.Threads = threads;
            }

            var footprint = workload.EstimateMemoryBytes(parameters);
            var available = device.AvailableMemoryBytes;
            if (footprint > available)
            {
                return Failure(workload, device, parameters, started, RunOutcome.Refused,
                    new InsufficientDeviceMemoryException(device.Info.Id, footprint, available).Message);
            }

            progress?.Report(new RunProgress("preparing", 0, 1));
            prepared = workload.Prepare(device, parameters);
            var measurements = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            var budget = Stopwatch.StartNew();
            for (var i = 0; i < options.WarmupIterations && budget.Elapsed < options.TimeBudget / 2; i++)
            {
                runToken.ThrowIfCancellationRequested();
                progress?.Report(new RunProgress("warm-up", i, options.WarmupIterations));
                prepared.Run(new IterationContext(runToken, measurements, isWarmup: true));
                device.Synchronize();
            }

            var samples = new List<double>(options.Iterations);
            budget.Restart();
            using (var timer = device.CreateTimer())
            {
                while (samples.Count < options.Iterations && (samples.Count == 0 || budget.Elapsed < options.TimeBudget))
                {
                    runToken.ThrowIfCancellationRequested();
                    progress?.Report(new RunProgress("measuring", samples.Count, options.Iterations));
                    timer.Start();
                    prepared.Run(new IterationContext(runToken, measurements, isWarmup: false));
                    timer.Stop();
                    samples.Add(timer.ElapsedSeconds);
                }
            }

            VerificationResult? verification = null;
            if (options.Verify)
            {
                progress?.Report(new RunProgress("verifying", 0, 1));
                verification = prepared.Verify();
            }

            var latency = RunStatistics.From(samples);
            var info = _calibration?.Apply(device.Info) ?? device.Info;
            return new RunResult
            {
                Workload = workload.Name,
                Device = info,
                Parameters = parameters.ToString(),
                ParameterLabel = parameters.ToLabel(),
                Outcome = verification is { Passed: false } ? RunOutcome.VerificationFailed : RunOutcome.Passed,
                StartedAt = started,
                Shape = prepared.Shape,
                Implementation = prepared.Implementation,
                Precision = precision,
                Threads = threaded?.Threads,
                Cost = prepared.Cost,
                IterationSeconds = samples,
                Latency = latency,
                Measurements = measurements.ToDictionary(m => m.Key, m => RunStatistics.From(m.Value), StringComparer.Ordinal),
                Verification = verification,
                Roofline = RooflineModel.Place(info, precision, prepared.Cost, latency.Mean),
                Error = verification is { Passed: false } v ? $"verification failed: {v.Detail}" : null,
            };
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            return Failure(workload, device, parameters, started, RunOutcome.TimedOut, "timed out; raise TimeoutSeconds or choose smaller sizes");
        }
        catch (InsufficientDeviceMemoryException ex)
        {
            return Failure(workload, device, parameters, started, RunOutcome.Refused, ex.Message);
        }
        catch (NotSupportedException ex)
        {
            return Failure(workload, device, parameters, started, RunOutcome.Refused, ex.Message);
        }
#pragma warning disable CA1031 // A plugin may throw anything; the run fails, the agent does not.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Failure(workload, device, parameters, started, RunOutcome.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            prepared?.Dispose();
            if (threaded is not null && deviceThreads is { } restore)
            {
                threaded.Threads = restore;
            }
        }
    }

    /// <summary>The precision a run's peak is taken for: the workload's <c>precision</c> parameter when it has one.</summary>
    public static DataType PrecisionOf(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Values.TryGetValue("precision", out var text) && text is "fp16" or "bf16"
            ? DataTypeExtensions.ParseShortName(text)
            : DataType.Float32;
    }

    private static RunResult Failure(IWorkload workload, IDevice device, ParameterSet parameters, DateTimeOffset started, RunOutcome outcome, string error) => new()
    {
        Workload = workload.Name,
        Device = device.Info,
        Parameters = parameters.ToString(),
        ParameterLabel = parameters.ToLabel(),
        Outcome = outcome,
        StartedAt = started,
        Threads = (device as IThreadedDevice)?.Threads,
        Error = error,
    };
}
