using System.Diagnostics.Metrics;

namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>Scrapes one meter's observable instruments as an exporter would.</summary>
internal sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<RecordedPoint> _points = [];

    public MeterReader(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var labels = new Dictionary<string, string>();
            foreach (var tag in tags)
            {
                labels[tag.Key] = tag.Value?.ToString() ?? string.Empty;
            }

            _points.Add(new RecordedPoint(instrument.Name, instrument.Unit, instrument is ObservableCounter<double>, value, labels));
        });
        _listener.Start();
    }

    public IReadOnlyList<RecordedPoint> Scrape()
    {
        _points.Clear();
        _listener.RecordObservableInstruments();
        return [.. _points];
    }

    public void Dispose() => _listener.Dispose();
}
