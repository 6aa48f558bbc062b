using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using AiProfiler.Core.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProfiler.Core.Metrics;

/// <summary>
/// The run, device and plugin instruments on the <c>AiProfiler</c> meter. Instrument names follow the project's
/// convention: the Prometheus name without unit suffix or <c>_total</c>, with the unit given separately, so the
/// exporter produces e.g. <c>aiprofiler_run_duration_seconds</c> and <c>aiprofiler_runs_total</c>. Gauges read the
/// latest result per (workload, device, params, impl); scrapes never run anything.
/// </summary>
public sealed partial class ProfilerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AiProfiler";

    /// <summary>Distinct <c>context.Record</c> names kept per workload; later names are dropped and counted.</summary>
    public const int MaxMeasurementNamesPerWorkload = 32;

    /// <summary>The longest label value (the <c>params</c> label) exported; longer ones are cut.</summary>
    public const int MaxLabelValueLength = 128;

    /// <summary>
    /// The metric streams the SDK keeps (its default, 1,000, would silently drop instruments once a plugin records
    /// many names): room for every built-in instrument and sampler plus <see cref="MaxMeasurementNamesPerWorkload"/>
    /// for each of a hundred workloads.
    /// </summary>
    public const int MaxMetricStreams = 1000 + (100 * MaxMeasurementNamesPerWorkload);

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _failures;
    private readonly ConcurrentDictionary<(string Workload, string Device, string Params, string Impl), RunResult> _latest = new();
    private readonly ConcurrentDictionary<string, ObservableGauge<double>> _measurementGauges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _namesByWorkload = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _warnedDrops = new(StringComparer.Ordinal);
    private readonly Counter<long> _dropped;
    private readonly ILogger _logger;

    /// <summary>Creates the instruments; <paramref name="devices"/> and <paramref name="plugins"/> feed the identity series.</summary>
    public ProfilerMetrics(DeviceRegistry devices, PluginCatalog plugins, IMeterFactory? meterFactory = null, ILogger<ProfilerMetrics>? logger = null, PluginQuarantine? quarantine = null)
    {
        _logger = logger ?? NullLogger<ProfilerMetrics>.Instance;
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(plugins);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>("aiprofiler_run_duration", "s", "Duration of each timed iteration of a workload run.");
        _runs = _meter.CreateCounter<long>("aiprofiler_runs", null, "Workload runs that were measured (verified or not).");
        _dropped = _meter.CreateCounter<long>("aiprofiler_workload_measurements_dropped", null,
            $"Measurements a workload recorded under names beyond its first {MaxMeasurementNamesPerWorkload}, which are not exported.");
        _failures = _meter.CreateCounter<long>("aiprofiler_run_failures", null, "Workload runs that failed, were refused, timed out or did not verify, by reason.");

        _meter.CreateObservableGauge("aiprofiler_run_latency", () => Each(r => r.Latency!.Named.Select(s => Measure(s.Value, r, ("stat", s.Name)))), "s",
            "Iteration latency statistics of the latest run (mean, p50, p90, p99, stdev, min, max).");
        _meter.CreateObservableGauge("aiprofiler_run_flops_per_second", () => Each(r => [Measure(r.FlopsPerSecond, r)]), null,
            "Achieved floating-point operations per second of the latest run (analytic FLOPs over mean iteration time).");
        _meter.CreateObservableGauge("aiprofiler_run_bytes_per_second", () => Each(r => [Measure(r.BytesPerSecond, r)]), "By/s",
            "Achieved memory traffic of the latest run, by the workload's cost model.");
        _meter.CreateObservableGauge("aiprofiler_run_items_per_second", () => Each(r => [Measure(r.ItemsPerSecond, r, ("item", r.Cost!.ItemUnit))]), null,
            "Items (tokens, samples, matrices) per second of the latest run.");
        _meter.CreateObservableGauge("aiprofiler_run_arithmetic_intensity", () => Each(r => [Measure(r.ArithmeticIntensity, r)]), null,
            "FLOPs per byte of the workload: its position on the roofline's x axis.");
        _meter.CreateObservableGauge("aiprofiler_run_peak_flops", () => Each(r => [Measure(r.Roofline!.PeakFlopsRatio, r)]), "1",
            "Achieved over the device's peak FLOP/s for the run's precision (MFU).");
        _meter.CreateObservableGauge("aiprofiler_run_peak_bandwidth", () => Each(r => [Measure(r.Roofline!.PeakBandwidthRatio, r)]), "1",
            "Achieved over the device's peak memory bandwidth (MBU).");
        _meter.CreateObservableGauge("aiprofiler_run_roofline", () => Each(r => [Measure(r.Roofline!.RooflineRatio, r, ("bound", r.Roofline.Bound))]), "1",
            "Achieved over attainable FLOP/s, min(peak, intensity x bandwidth): how close the run is to its roof.");
        _meter.CreateObservableGauge("aiprofiler_run_verified", () => Each(r => [Measure(r.Outcome == RunOutcome.Passed ? 1 : 0, r)]), null,
            "1 when the latest run's output matched the reference, else 0.");
        _meter.CreateObservableGauge("aiprofiler_run_last_timestamp_seconds", () => Each(r => [Measure(r.StartedAt.ToUnixTimeMilliseconds() / 1000.0, r)]), null,
            "Unix time when the latest run started.");

        _meter.CreateObservableGauge("aiprofiler_device_info", () => devices.Devices.Select(d => new Measurement<double>(1,
            new("device", d.Id), new("kind", d.Kind.ToString().ToLowerInvariant()), new("name", d.Name), new("vendor", d.Vendor), new("driver", d.DriverVersion))),
            null, "Identity of each device found; the value is 1.");
        _meter.CreateObservableGauge("aiprofiler_device_peak_flops_per_second", () => devices.Devices.Select(d => new Measurement<double>(d.PeakFlopsPerSecond, new KeyValuePair<string, object?>("device", d.Id))),
            null, "Estimated fp32 peak FLOP/s of each device.");
        _meter.CreateObservableGauge("aiprofiler_device_peak_bandwidth_bytes_per_second", () => devices.Devices.Select(d => new Measurement<double>(d.PeakBandwidthBytesPerSecond, new KeyValuePair<string, object?>("device", d.Id))),
            "By/s", "Estimated (or, on the CPU, measured) peak memory bandwidth of each device.");
        _meter.CreateObservableGauge("aiprofiler_device_memory", () => devices.Devices.Select(d => new Measurement<double>(d.MemoryBytes, new KeyValuePair<string, object?>("device", d.Id))),
            "By", "Total memory of each device.");
        _meter.CreateObservableGauge("aiprofiler_backend_available", () => devices.Backends.Select(b => new Measurement<double>(b.UnavailableReason is null ? 1 : 0,
            new("backend", b.Prefix), new("reason", b.UnavailableReason ?? ""))), null, "1 when a backend's library and devices were found; the reason label says why not.");
        _meter.CreateObservableGauge("aiprofiler_plugin_info", () => plugins.Plugins.Select(p => new Measurement<double>(p.Status == PluginStatus.Loaded ? 1 : 0,
            new("plugin", p.Name), new("version", p.Version), new("status", p.Status.ToString().ToLowerInvariant()))), null,
            "Each plugin folder; 1 when loaded, 0 when skipped (see the agent's log for why).");
        _meter.CreateObservableGauge("aiprofiler_plugin_status", () => plugins.Plugins.Select(p => new Measurement<double>(1,
            new("plugin", p.Name), new("status", quarantine?.Find(p.Name) is not null ? "quarantined" : p.Status.ToString().ToLowerInvariant()))), null,
            "Each plugin folder's status (loaded, skipped, quarantined after its workers kept dying); the value is 1.");
    }

    /// <summary>The latest measured run per (workload, device, params, impl): what the gauges export, for the agent's page.</summary>
    public IReadOnlyList<RunResult> LatestRuns => [.. _latest.Values];

    /// <summary>Publishes a finished run: its iterations into the histogram, its rates into the gauges.</summary>
    public void Record(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result = Capped(result);
        if (!result.Measured)
        {
            _failures.Add(1, new("workload", result.Workload), new("device", result.Device.Id), new("reason", result.Outcome.ToString().ToLowerInvariant()));
            return;
        }

        if (result.Outcome == RunOutcome.VerificationFailed)
        {
            _failures.Add(1, new("workload", result.Workload), new("device", result.Device.Id), new("reason", "verificationfailed"));
        }

        var tags = new TagList { { "workload", result.Workload }, { "device", result.Device.Id }, { "params", result.ParameterLabel }, { "impl", result.Implementation } };
        foreach (var seconds in result.IterationSeconds)
        {
            _duration.Record(seconds, tags);
        }

        _runs.Add(1, tags);
        _latest[(result.Workload, result.Device.Id, result.ParameterLabel, result.Implementation)] = result;
        foreach (var name in result.Measurements.Keys)
        {
            _measurementGauges.GetOrAdd(name, n => _meter.CreateObservableGauge($"aiprofiler_workload_{n}",
                () => Each(r => r.Measurements.TryGetValue(n, out var s) ? s.Named.Select(x => Measure(x.Value, r, ("stat", x.Name))) : []),
                null, $"The workload's own measurement '{n}' in the latest run, summarized over its iterations."));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    /// <summary>
    /// Keeps a workload's first <see cref="MaxMeasurementNamesPerWorkload"/> measurement names and cuts long label
    /// values, so one plugin cannot crowd out the series of the others.
    /// </summary>
    private RunResult Capped(RunResult result)
    {
        var names = _namesByWorkload.GetOrAdd(result.Workload, _ => new HashSet<string>(StringComparer.Ordinal));
        var kept = new Dictionary<string, RunStatistics>(StringComparer.Ordinal);
        var dropped = 0;
        lock (names)
        {
            foreach (var (name, statistics) in result.Measurements)
            {
                if (names.Contains(name) || (names.Count < MaxMeasurementNamesPerWorkload && names.Add(name)))
                {
                    kept[name] = statistics;
                }
                else
                {
                    dropped++;
                }
            }
        }

        if (dropped > 0)
        {
            _dropped.Add(dropped, new KeyValuePair<string, object?>("workload", result.Workload));
            if (_warnedDrops.TryAdd(result.Workload, true))
            {
                LogMeasurementsDropped(result.Workload, MaxMeasurementNamesPerWorkload);
            }
        }

        var label = result.ParameterLabel.Length > MaxLabelValueLength ? result.ParameterLabel[..MaxLabelValueLength] : result.ParameterLabel;
        return dropped == 0 && ReferenceEquals(label, result.ParameterLabel) ? result : result with { Measurements = kept, ParameterLabel = label };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workload {Workload} records more than {Limit} distinct measurement names; the others are dropped and counted in aiprofiler_workload_measurements_dropped_total")]
    private partial void LogMeasurementsDropped(string workload, int limit);

    private static Measurement<double> Measure(double value, RunResult r, params ReadOnlySpan<(string Key, string Value)> extra)
    {
        var tags = new TagList { { "workload", r.Workload }, { "device", r.Device.Id }, { "params", r.ParameterLabel }, { "impl", r.Implementation } };
        foreach (var (key, v) in extra)
        {
            tags.Add(key, v);
        }

        return new Measurement<double>(value, tags);
    }

    private IEnumerable<Measurement<double>> Each(Func<RunResult, IEnumerable<Measurement<double>>> select) =>
        _latest.Values.SelectMany(select);
}
