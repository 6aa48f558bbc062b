using System.Diagnostics.Metrics;
using AiProfiler.Core.Metrics;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// The calibrated ceilings as gauges on the <c>AiProfiler</c> meter, with their spread and the datasheet figure beside
/// them: <c>aiprofiler_device_calibrated_flops_per_second{device,precision}</c>,
/// <c>aiprofiler_device_calibrated_bandwidth_bytes_per_second{device,path}</c> (path: memory, host_to_device,
/// device_to_host, decode_gemv, decode_gemv_q8_0 and the other weight types, decode_gemv_narrow, prefill_elementwise), their <c>_spread_ratio</c> ((high − low) /
/// median), <c>aiprofiler_device_datasheet_flops_per_second{device,precision}</c> and
/// <c>aiprofiler_device_calibrated_latency_seconds{device,op}</c> (op: gemv_call, small_op).
/// </summary>
public sealed class CalibrationMetrics : IDisposable
{
    private readonly Meter _meter;

    /// <summary>Creates the gauges over <paramref name="cache"/>'s current calibration (none until one exists).</summary>
    public CalibrationMetrics(CalibrationCache cache, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _meter = meterFactory?.Create(ProfilerMetrics.MeterName) ?? new Meter(ProfilerMetrics.MeterName);
        IEnumerable<DeviceCalibration> Devices() => cache.Current?.Devices ?? [];
        IEnumerable<(DeviceCalibration Device, ComputeCeiling Ceiling)> Compute() => Devices().SelectMany(d => d.Compute.Select(c => (d, c)));
        IEnumerable<(DeviceCalibration Device, string Path, MeasuredRate Rate)> Bandwidths() => Devices().SelectMany(d => new[]
        {
            (d, "memory", d.Bandwidth),
            (d, "host_to_device", d.HostToDevice),
            (d, "device_to_host", d.DeviceToHost),
        }.Concat(d.Workloads.Where(w => w.Kind == "decode-bandwidth").Select(w => (d, w.Precision == "fp32" ? "decode_gemv" : $"decode_gemv_{w.Precision}", (MeasuredRate?)w.Rate)))
        .Concat(d.Workloads.Where(w => w.Kind is "prefill-elementwise" or "decode-bandwidth-narrow").Select(w => (d, w.Kind.Replace('-', '_').Replace("bandwidth", "gemv", StringComparison.Ordinal), (MeasuredRate?)w.Rate)))
        .Where(b => b.Item3 is not null).Select(b => (b.d, b.Item2, b.Item3!)));
        IEnumerable<(DeviceCalibration Device, string Op, WorkloadCeiling Cost)> Latencies() => Devices().SelectMany(d => d.Workloads
            .Where(w => w.Kind is "call-latency" or "op-latency").Select(w => (d, w.Kind == "call-latency" ? "gemv_call" : "small_op", w)));

        _meter.CreateObservableGauge("aiprofiler_device_calibrated_flops_per_second",
            () => Compute().Where(p => p.Ceiling.Measured is not null).Select(p => Measure(p.Ceiling.Measured!.High, p.Device, ("precision", p.Ceiling.Precision))),
            null, "Measured peak operations per second (the fastest of the calibration's FMA passes, as ERT reports) per device and precision.");
        _meter.CreateObservableGauge("aiprofiler_device_calibrated_flops_spread_ratio",
            () => Compute().Where(p => p.Ceiling.Measured is not null).Select(p => Measure(p.Ceiling.Measured!.RelativeSpread, p.Device, ("precision", p.Ceiling.Precision))),
            "1", "(fastest - slowest) / median of the calibration's FMA passes.");
        _meter.CreateObservableGauge("aiprofiler_device_datasheet_flops_per_second",
            () => Compute().Where(p => p.Ceiling.DatasheetFlopsPerSecond > 0).Select(p => Measure(p.Ceiling.DatasheetFlopsPerSecond, p.Device, ("precision", p.Ceiling.Precision))),
            null, "Peak operations per second estimated from the device's properties, beside the calibrated figure.");
        _meter.CreateObservableGauge("aiprofiler_device_calibrated_bandwidth_bytes_per_second",
            () => Bandwidths().Select(b => Measure(b.Rate.High, b.Device, ("path", b.Path))),
            "By/s", "Measured bandwidth (the fastest of the calibration's passes, as STREAM reports): memory (triad traffic), host<->device copies, the decode GEMV, element-wise operations on a prompt-sized activation.");
        _meter.CreateObservableGauge("aiprofiler_device_calibrated_bandwidth_spread_ratio",
            () => Bandwidths().Select(b => Measure(b.Rate.RelativeSpread, b.Device, ("path", b.Path))),
            "1", "(fastest - slowest) / median of the calibration's bandwidth passes.");
        _meter.CreateObservableGauge("aiprofiler_device_calibrated_latency_seconds",
            () => Latencies().Select(l => Measure(l.Cost.Value, l.Device, ("op", l.Op))),
            "s", "Measured fixed cost as the predictions use it (gemv_call: the median difference of alternating passes; small_op: the cheapest pass): a decode GEMV call beyond its bytes (gemv_call), one small operation in a stream (small_op).");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static Measurement<double> Measure(double value, DeviceCalibration device, (string Key, string Value) label) =>
        new(value, new KeyValuePair<string, object?>("device", device.DeviceId), new KeyValuePair<string, object?>(label.Key, label.Value));
}
