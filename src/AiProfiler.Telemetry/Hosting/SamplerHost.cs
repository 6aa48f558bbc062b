using System.Diagnostics.Metrics;
using AiProfiler.Abstractions.Sampling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>
/// Runs every enabled sampler on its own interval from one background thread, times each collection, and keeps each
/// sampler's latest values for the instruments of the "AiProfiler.Telemetry" meter. A sampler with no source here
/// (Start returned a reason) is logged once and never collected; a failing one is logged once per failure streak; one
/// whose Collect hangs is reported as failing and skipped until that call returns, so it cannot freeze the others.
/// </summary>
internal sealed partial class SamplerHost : BackgroundService
{
    private readonly TelemetryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SamplerHost> _logger;
    private readonly TelemetryInstruments _instruments;
    private readonly IReadOnlyList<string> _configurationErrors;
    private readonly SamplerSlot[] _slots;
    private readonly Lock _cycleGate = new();
    private readonly IReadOnlyList<ISamplersStartedObserver> _observers;
    private bool _started;

    public SamplerHost(
        IEnumerable<ISampler> samplers,
        IOptions<TelemetryOptions> options,
        IMeterFactory meterFactory,
        TimeProvider time,
        ILogger<SamplerHost> logger,
        IEnumerable<ISamplerSource>? sources = null,
        IEnumerable<ISamplersStartedObserver>? observers = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _observers = observers?.ToArray() ?? [];

        var distinct = new List<ISampler>();
        foreach (var sampler in samplers.Concat((sources ?? []).SelectMany(s => s.CreateSamplers())))
        {
            if (distinct.Exists(s => s.Name.Equals(sampler.Name, StringComparison.OrdinalIgnoreCase)))
            {
                LogDuplicate(sampler.Name, sampler.GetType().FullName);
                continue;
            }

            distinct.Add(sampler);
        }

        _configurationErrors = SamplerConfigurationValidator.Validate(_options, distinct.ConvertAll(s => s.Name));
        _slots = distinct
            .Where(s => _options.For(s.Name).Enabled)
            .Select(s => new SamplerSlot(s, ToTicks(_options.For(s.Name).IntervalSeconds)))
            .ToArray();

        _instruments = new TelemetryInstruments(meterFactory, Observe);
        _instruments.AddHostGauge("sampler_duration", "s", "Seconds the sampler's last collection took.", ObserveDurations);
        _instruments.AddHostGauge("sampler_success", string.Empty, "1 if the sampler's last collection succeeded, 0 if it failed or its source is unavailable here.", ObserveSuccess);
    }

    /// <summary>The meter the instruments belong to (tests listen to this instance only).</summary>
    internal Meter Meter => _instruments.Meter;

    /// <summary>Names of the enabled samplers, in registration order.</summary>
    internal IEnumerable<string> EnabledSamplers => _slots.Select(s => s.Name);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_configurationErrors.Count > 0)
        {
            throw new OptionsValidationException(TelemetryOptions.SectionName, typeof(TelemetryOptions), _configurationErrors);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _instruments.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Starting a sampler can take a while (NVML opens every GPU); do it off the host's start path.
        await Task.Yield();
        StartSamplers();
        foreach (var observer in _observers)
        {
            observer.OnSamplersStarted();
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            CollectDue();
            var next = NextDueTimestamp();
            if (next is null)
            {
                return;
            }

            // Timers count whole milliseconds; rounding up keeps a wake-up from landing just before the due time.
            var delay = _time.GetElapsedTime(_time.GetTimestamp(), next.Value);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(Math.Max(0, delay.TotalMilliseconds))), _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Calls Start once on every enabled sampler; the first collection of each is due at once.</summary>
    internal void StartSamplers()
    {
        lock (_cycleGate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            var now = _time.GetTimestamp();
            foreach (var slot in _slots)
            {
                string? reason;
                try
                {
                    reason = slot.Sampler.Start();
                }
#pragma warning disable CA1031 // A sampler (a plugin's, or a native library's) may throw anything; it is reported unavailable.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    reason = $"start failed: {ex.GetType().Name}: {ex.Message}";
                }

                if (reason is null)
                {
                    slot.State = SamplerState.Running;
                    slot.NextDue = now;
                }
                else
                {
                    slot.State = SamplerState.Unavailable;
                    slot.Success = 0;
                    LogUnavailable(slot.Name, reason);
                }
            }
        }
    }

    /// <summary>Collects every running sampler whose time has come; returns how many it collected.</summary>
    internal int CollectDue()
    {
        lock (_cycleGate)
        {
            // One "now" for the whole pass keeps samplers with equal intervals due together, so they share a wake-up.
            var collected = 0;
            var now = _time.GetTimestamp();
            foreach (var slot in _slots)
            {
                if (slot.State != SamplerState.Running || now < slot.NextDue)
                {
                    continue;
                }

                if (slot.Overrunning is { } call)
                {
                    if (!call.IsCompleted)
                    {
                        // Still stuck: no second call is stacked on the first; the slot waits for its next turn.
                        slot.NextDue = now + slot.IntervalTicks;
                        continue;
                    }

                    slot.Overrunning = null;
                }

                Collect(slot);
                collected++;

                // Keep the cadence, but after a stall start afresh instead of catching up with a burst.
                slot.NextDue += slot.IntervalTicks;
                if (slot.NextDue <= now)
                {
                    slot.NextDue = now + slot.IntervalTicks;
                }
            }

            return collected;
        }
    }

    /// <summary>
    /// How long one Collect may take before the sampler counts as hung: its interval, but at least 2 s and at most
    /// 10 s. A hung Collect is left to return on its own thread (a thread cannot be aborted) while the other samplers
    /// keep their cadence.
    /// </summary>
    internal TimeSpan CollectTimeout(SamplerSlot slot) =>
        TimeSpan.FromSeconds(Math.Clamp(slot.IntervalTicks / (double)_time.TimestampFrequency, 2, 10));

    private void Collect(SamplerSlot slot)
    {
        var writer = new SnapshotWriter();
        var start = _time.GetTimestamp();
        Exception? failure = null;
        var call = Task.Run(() => slot.Sampler.Collect(writer));
        var timeout = CollectTimeout(slot);
        try
        {
            if (!call.Wait(timeout))
            {
                // Observe its exception, if it ever throws, so it does not surface as an unobserved task exception.
                _ = call.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                slot.Overrunning = call;
                slot.Latest = MetricSnapshot.Empty;
                slot.Success = 0;
                slot.LastDurationSeconds = timeout.TotalSeconds;
                slot.FailureLogged = true;
                LogHung(slot.Name, timeout.TotalSeconds);
                return;
            }
        }
        catch (AggregateException ex)
        {
            failure = ex.InnerException ?? ex;
        }

        slot.LastDurationSeconds = _time.GetElapsedTime(start).TotalSeconds;
        if (failure is not null)
        {
            slot.Latest = MetricSnapshot.Empty;
            slot.Success = 0;
            if (!slot.FailureLogged)
            {
                slot.FailureLogged = true;
                LogFailed(failure, slot.Name, failure.Message);
            }

            return;
        }

        slot.Latest = Publish(slot, writer);
        slot.Success = 1;
        if (slot.FailureLogged)
        {
            slot.FailureLogged = false;
            LogRecovered(slot.Name);
        }
    }

    private MetricSnapshot Publish(SamplerSlot slot, SnapshotWriter writer)
    {
        foreach (var name in writer.Conflicts)
        {
            if (slot.DropsLogged.Add(name))
            {
                LogDropped(slot.Name, name, "it was written with two units or kinds in one collection");
            }
        }

        var points = new Dictionary<string, Measurement<double>[]>(writer.Series.Count, StringComparer.Ordinal);
        foreach (var series in writer.Series.Values)
        {
            var problem = writer.Conflicts.Contains(series.Name) ? string.Empty : _instruments.Register(series);
            if (problem is null)
            {
                points[series.Name] = series.Points.ToArray();
            }
            else if (problem.Length > 0 && slot.DropsLogged.Add(series.Name))
            {
                LogDropped(slot.Name, series.Name, problem);
            }
        }

        return new MetricSnapshot(points);
    }

    /// <summary>When the next collection is due, as a <see cref="TimeProvider"/> timestamp; null when no sampler runs.</summary>
    internal long? NextDueTimestamp()
    {
        long? next = null;
        foreach (var slot in _slots)
        {
            if (slot.State == SamplerState.Running && (next is null || slot.NextDue < next))
            {
                next = slot.NextDue;
            }
        }

        return next;
    }

    private IEnumerable<Measurement<double>> Observe(string name)
    {
        foreach (var slot in _slots)
        {
            if (slot.Latest.Points.TryGetValue(name, out var points))
            {
                foreach (var point in points)
                {
                    yield return point;
                }
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveDurations()
    {
        foreach (var slot in _slots)
        {
            var seconds = slot.LastDurationSeconds;
            if (!double.IsNaN(seconds))
            {
                yield return new Measurement<double>(seconds, new KeyValuePair<string, object?>("sampler", slot.Name));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveSuccess()
    {
        foreach (var slot in _slots)
        {
            var success = slot.Success;
            if (!double.IsNaN(success))
            {
                yield return new Measurement<double>(success, new KeyValuePair<string, object?>("sampler", slot.Name));
            }
        }
    }

    private long ToTicks(double seconds) => (long)(seconds * _time.TimestampFrequency);

    [LoggerMessage(Level = LogLevel.Information, Message = "sampler {Sampler} unavailable: {Reason}")]
    private partial void LogUnavailable(string sampler, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sampler {Sampler} failed: {Reason}; it is retried on its interval and logged again only after it recovers")]
    private partial void LogFailed(Exception exception, string sampler, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sampler {Sampler} hung: Collect did not return within {Seconds} s; its values are dropped and it is not called again until that call returns")]
    private partial void LogHung(string sampler, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "sampler {Sampler} recovered")]
    private partial void LogRecovered(string sampler);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sampler {Sampler} wrote metric {Metric}, but {Problem}; those values are dropped")]
    private partial void LogDropped(string sampler, string metric, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "two samplers are named {Sampler}; the second ({Type}) is ignored")]
    private partial void LogDuplicate(string sampler, string? type);
}
