using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>
/// The observable instruments of the "AiProfiler.Telemetry" meter, created the first time a sampler writes a name.
/// Their callbacks only read the samplers' latest snapshots, so a scrape never samples.
/// </summary>
internal sealed class TelemetryInstruments : IDisposable
{
    public const string MeterName = "AiProfiler.Telemetry";
    public const string Prefix = "aiprofiler_";

    private readonly Meter _meter;
    private readonly Func<string, IEnumerable<Measurement<double>>> _observe;
    private readonly ConcurrentDictionary<string, (string Unit, MetricKind Kind)> _registered = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public TelemetryInstruments(IMeterFactory meterFactory, Func<string, IEnumerable<Measurement<double>>> observe)
    {
        _meter = meterFactory.Create(MeterName);
        _observe = observe;
    }

    public Meter Meter => _meter;

    /// <summary>Creates an instrument the host itself feeds; samplers cannot write its name.</summary>
    public void AddHostGauge(string name, string unit, string description, Func<IEnumerable<Measurement<double>>> observe)
    {
        _registered[name] = (unit, MetricKind.Gauge);
        _meter.CreateObservableGauge(Prefix + name, observe, NullIfEmpty(unit), description);
    }

    /// <summary>Makes sure an instrument exists for <paramref name="series"/>; returns why its points must be dropped, or null.</summary>
    public string? Register(MetricSeries series)
    {
        if (_registered.TryGetValue(series.Name, out var existing))
        {
            return existing.Unit == series.Unit && existing.Kind == series.Kind
                ? null
                : $"it is registered with unit '{existing.Unit}' as a {existing.Kind.ToString().ToLowerInvariant()}, not unit '{series.Unit}' as a {series.Kind.ToString().ToLowerInvariant()}";
        }

        if (!IsValidName(series.Name))
        {
            return "a metric name must be lower-case letters, digits and '_', starting with a letter";
        }

        lock (_gate)
        {
            if (_registered.ContainsKey(series.Name))
            {
                return Register(series);
            }

            var name = series.Name;
            var unit = NullIfEmpty(series.Unit);
            if (series.Kind == MetricKind.Counter)
            {
                _meter.CreateObservableCounter(Prefix + name, () => _observe(name), unit, series.Description);
            }
            else
            {
                _meter.CreateObservableGauge(Prefix + name, () => _observe(name), unit, series.Description);
            }

            _registered[name] = (series.Unit, series.Kind);
        }

        return null;
    }

    public void Dispose() => _meter.Dispose();

    internal static bool IsValidName(string name)
    {
        if (name.Length == 0 || name[0] is < 'a' or > 'z')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string? NullIfEmpty(string unit) => unit.Length == 0 ? null : unit;
}
