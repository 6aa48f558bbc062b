using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Roofline;
using AiProfiler.Shared;

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
    private readonly Func<long> _hostAvailableBytes;

    /// <summary>
    /// Creates a runner reading the clock from <paramref name="time"/>; results are placed against the calibrated
    /// peaks of <paramref name="calibration"/> where the device has been calibrated.
    /// </summary>
    public Runner(TimeProvider? time = null, CalibrationCache? calibration = null, Func<long>? hostAvailableBytes = null)
    {
        _time = time ?? TimeProvider.System;
        _hostAvailableBytes = hostAvailableBytes ?? HostMemoryReader.System.AvailableBytes;
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
            await Task.WhenAny(run, Task.Delay(CancelGrace, _time, CancellationToken.None)).ConfigureAwait(false);
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
        var phase = "checking memory";
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

            if (MemoryRefusal(workload, device, parameters) is { } refusal)
            {
                return Failure(workload, device, parameters, started, RunOutcome.Refused, refusal);
            }

            phase = "preparing";
            progress?.Report(new RunProgress(phase, 0, 1));
            prepared = workload.Prepare(device, parameters);
            var measurements = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            var notes = new List<string>();
            var info = _calibration?.Apply(device.Info) ?? device.Info;
            precision = prepared.Cost.Precision ?? precision;
            var fastest = FastestIteration(info, precision, prepared.Cost);
            var budget = options.TimeBudget.TotalSeconds;
            if (fastest > budget)
            {
                var note = string.Create(CultureInfo.InvariantCulture,
                    $"one iteration needs at least {Seconds(fastest)} at the device's peak, more than the {Seconds(budget)} time budget: no warm-up, one timed iteration; choose smaller sizes or raise the budget");
                notes.Add(note);
                progress?.Report(new RunProgress("estimating", 0, 1, note));
            }

            // The budget covers warm-up, timing and verification: no iteration starts that is expected to end after it,
            // except the one timed iteration every result needs; each warm-up iteration leaves room for that one.
            var clock = Stopwatch.StartNew();
            var last = fastest;
            phase = "warm-up";
            for (var i = 0; i < options.WarmupIterations && clock.Elapsed.TotalSeconds + (2 * last) <= budget; i++)
            {
                runToken.ThrowIfCancellationRequested();
                progress?.Report(new RunProgress(phase, i, options.WarmupIterations));
                var before = clock.Elapsed.TotalSeconds;
                prepared.Run(new IterationContext(runToken, measurements, isWarmup: true));
                device.Synchronize();
                last = Math.Max(fastest, clock.Elapsed.TotalSeconds - before);
            }

            var samples = new List<double>(options.Iterations);
            phase = "measuring";
            using (var timer = device.CreateTimer())
            {
                while (samples.Count < options.Iterations && (samples.Count == 0 || clock.Elapsed.TotalSeconds + last <= budget))
                {
                    runToken.ThrowIfCancellationRequested();
                    progress?.Report(new RunProgress(phase, samples.Count, options.Iterations));
                    var before = clock.Elapsed.TotalSeconds;
                    timer.Start();
                    prepared.Run(new IterationContext(runToken, measurements, isWarmup: false));
                    timer.Stop();
                    samples.Add(timer.ElapsedSeconds);
                    last = Math.Max(fastest, clock.Elapsed.TotalSeconds - before);
                }
            }

            VerificationResult? verification = null;
            if (options.Verify && clock.Elapsed.TotalSeconds >= budget)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"not verified: the timed iterations used the whole {Seconds(budget)} time budget; raise the budget to verify"));
            }
            else if (options.Verify)
            {
                phase = "verifying";
                progress?.Report(new RunProgress(phase, 0, 1));
                verification = prepared.Verify();
            }

            var latency = RunStatistics.From(samples);
            var result = new RunResult
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
                Notes = notes,
            };

            // Released here, not in finally, so a Dispose that throws fails the run with its message.
            phase = "releasing";
            var done = prepared;
            prepared = null;
            done.Dispose();
            return result;
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
            return Failure(workload, device, parameters, started, RunOutcome.Failed, $"{phase} failed: {Describe(ex)}");
        }
        finally
        {
            try
            {
                prepared?.Dispose();
            }
#pragma warning disable CA1031 // The run has already failed; its own error is the one to report, not a failing cleanup after it.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            if (threaded is not null && deviceThreads is { } restore)
            {
                threaded.Threads = restore;
            }
        }
    }

    /// <summary>
    /// The precision a run's peak is taken for, until the prepared workload names its own
    /// (<see cref="WorkloadCost.Precision"/>): the workload's <c>precision</c> parameter when it is fp16, bf16 or a
    /// ggml block type, else fp32.
    /// </summary>
    public static DataType PrecisionOf(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Values.TryGetValue("precision", out var text) && text is "fp16" or "bf16" or "q8_0" or "q4_0" or "q4_k" or "q6_k"
            ? DataTypeExtensions.ParseShortName(text)
            : DataType.Float32;
    }

    /// <summary>
    /// The shortest time one iteration can take on this device: its FLOPs at the peak FLOP/s or its bytes at the peak
    /// bandwidth, whichever is longer (0 where the device reports neither peak). A real iteration is slower, so an
    /// iteration this estimate puts over the budget certainly overruns it.
    /// </summary>
    public static double FastestIteration(DeviceInfo device, DataType precision, WorkloadCost cost)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(cost);
        var peakFlops = device.PeakFlopsFor(precision);
        var compute = peakFlops > 0 ? cost.Flops / peakFlops : 0;
        var memory = device.PeakBandwidthBytesPerSecond > 0 ? cost.Bytes / device.PeakBandwidthBytesPerSecond : 0;
        return Math.Max(compute, memory);
    }

    private static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.##" : "0", CultureInfo.InvariantCulture) + " s";

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

    /// <summary>
    /// Why the run cannot fit, or null: the device buffers against the device's free memory, and the workload's host
    /// copies with them on a device whose buffers live in host memory (the CPU, PoCL) or against the host's free memory
    /// on any other.
    /// </summary>
    private string? MemoryRefusal(IWorkload workload, IDevice device, ParameterSet parameters)
    {
        var onDevice = workload.EstimateMemoryBytes(parameters);
        var onHost = workload.EstimateHostMemoryBytes(parameters);
        var available = device.AvailableMemoryBytes;
        var id = device.Info.Id;
        if (device.Info.Kind == DeviceKind.Cpu || device.Info.SharesHostMemory)
        {
            if (onHost <= 0)
            {
                return onDevice > available ? new InsufficientDeviceMemoryException(id, onDevice, available).Message : null;
            }

            var total = onDevice + onHost;
            return total > available
                ? $"needs {Bytes(total)} ({Bytes(onDevice)} of buffers and {Bytes(onHost)} of host copies for the reference and the check) but device '{id}' has {Bytes(available)} free; choose smaller sizes"
                : null;
        }

        if (onDevice > available)
        {
            return new InsufficientDeviceMemoryException(id, onDevice, available).Message;
        }

        var host = _hostAvailableBytes();
        return onHost > host
            ? $"needs {Bytes(onHost)} of host memory beside {Bytes(onDevice)} on device '{id}' (copies for the reference and the check) but the host has {Bytes(host)} free; choose smaller sizes"
            : null;
    }

    private static string Bytes(long bytes) => InsufficientDeviceMemoryException.FormatBytes(bytes);

    /// <summary>
    /// The exception's message as one line, without its class name (users read it); running out of memory, or a
    /// message the runtime made up ("Exception of type ... was thrown"), is replaced by what happened.
    /// </summary>
    private static string Describe(Exception ex)
    {
        if (ex is OutOfMemoryException)
        {
            // The runtime's own texts for it ("Insufficient memory ...", "Exception of type ...") say nothing to do.
            return "out of memory: the sizes need more than the process can allocate; choose smaller sizes";
        }

        var message = ex.Message.Split('\n', 2)[0].TrimEnd();
        return message.Length > 0 && !message.StartsWith("Exception of type '", StringComparison.Ordinal)
            ? message
            : $"the plugin threw {ex.GetType().Name} without a message";
    }
}
