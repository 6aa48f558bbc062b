using System.Diagnostics.Metrics;

namespace AiProfiler.Exporters.Prometheus.Tests.Support;

/// <summary>One instrument of every kind, with labels, units and descriptions, as the agent's meters would have.</summary>
internal static class TestInstruments
{
    public const string RunDuration = "test_run_duration";

    public static Histogram<double> Register(Meter meter)
    {
        var cpu = new KeyValuePair<string, object?>("device", "cpu0");
        meter.CreateCounter<long>("test_runs", "{run}", "Workload runs finished.").Add(3, cpu, new KeyValuePair<string, object?>("workload", "gemm"));
        meter.CreateCounter<double>("test_host_cpu", "s", "CPU time used by the host.").Add(1.25);
        meter.CreateUpDownCounter<long>("test_queued_runs", "{run}", "Runs waiting for a device.").Add(2);
        meter.CreateGauge<double>("test_gpu_power", "W", "Board power draw.").Record(215.5, new KeyValuePair<string, object?>("gpu", "0"));
        meter.CreateObservableGauge("test_gpu_utilization", () => 0.5, "1", "Fraction of time a kernel ran.");
        meter.CreateObservableGauge("test_special", () => double.NaN, description: "A gauge with no value yet.");
        meter.CreateObservableCounter("test_gpu_energy", () => 1234.5, "J", "Energy used since the driver loaded.");
        meter.CreateObservableUpDownCounter("test_loaded_plugins", () => 4, "{plugin}", "Plugins currently loaded.");
        meter.CreateCounter<long>("test_escaped", description: "Label values that need escaping.")
            .Add(1, new KeyValuePair<string, object?>("path", "C:\\x \"y\"\nz"), new KeyValuePair<string, object?>("http.method", "GET"));
        var duration = meter.CreateHistogram<double>(RunDuration, "s", "Duration of one workload run.");
        foreach (var seconds in new[] { 0.000004, 0.0003, 0.002, 0.04, 1.5 })
        {
            duration.Record(seconds, cpu);
        }

        return duration;
    }
}
