using AiProfiler.Exporters.Prometheus.Serialization;
using OpenTelemetry.Metrics;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Serialization;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("aiprofiler_gpu_power", "W", MetricType.DoubleGauge, "aiprofiler_gpu_power_watts")]
    [InlineData("aiprofiler_host_cpu", "s", MetricType.DoubleSum, "aiprofiler_host_cpu_seconds_total")]
    [InlineData("aiprofiler_gpu_utilization", "1", MetricType.DoubleGauge, "aiprofiler_gpu_utilization_ratio")]
    [InlineData("aiprofiler_gpu_memory_used", "By", MetricType.LongGauge, "aiprofiler_gpu_memory_used_bytes")]
    [InlineData("aiprofiler_memory_bandwidth", "By/s", MetricType.DoubleGauge, "aiprofiler_memory_bandwidth_bytes_per_second")]
    [InlineData("aiprofiler_gpu_temperature", "Cel", MetricType.DoubleGauge, "aiprofiler_gpu_temperature_celsius")]
    [InlineData("aiprofiler_gpu_clock", "Hz", MetricType.LongGauge, "aiprofiler_gpu_clock_hertz")]
    [InlineData("aiprofiler_gpu_energy", "J", MetricType.DoubleSum, "aiprofiler_gpu_energy_joules_total")]
    [InlineData("aiprofiler_run_achieved", "FLOP/s", MetricType.DoubleGauge, "aiprofiler_run_achieved_flops_per_second")]
    [InlineData("aiprofiler_run_duration", "s", MetricType.Histogram, "aiprofiler_run_duration_seconds")]
    [InlineData("aiprofiler_runs", "{run}", MetricType.LongSum, "aiprofiler_runs_total")]
    [InlineData("aiprofiler_runs", "", MetricType.LongSum, "aiprofiler_runs_total")]
    [InlineData("aiprofiler_runs", "1", MetricType.LongSum, "aiprofiler_runs_total")]
    [InlineData("aiprofiler_queue", "1", MetricType.LongSumNonMonotonic, "aiprofiler_queue")]
    [InlineData("aiprofiler_tokens", "{token}/s", MetricType.DoubleGauge, "aiprofiler_tokens_per_second")]
    [InlineData("aiprofiler_uptime_seconds", "s", MetricType.DoubleGauge, "aiprofiler_uptime_seconds")]
    [InlineData("aiprofiler_cpu_seconds_total", "s", MetricType.DoubleSum, "aiprofiler_cpu_seconds_total")]
    [InlineData("aiprofiler_requests_total", "", MetricType.LongSum, "aiprofiler_requests_total")]
    [InlineData("http.server.request.duration", "s", MetricType.Histogram, "http_server_request_duration_seconds")]
    [InlineData("process.memory.usage", "MiBy", MetricType.LongSumNonMonotonic, "process_memory_usage_mebibytes")]
    [InlineData("weird--name//x", "tok", MetricType.DoubleGauge, "weird_name_x_tok")]
    public void ForMetric_InstrumentNameUnitAndType_FollowsTheNamingConvention(string instrument, string unit, MetricType type, string expectedSampleName)
    {
        var name = PrometheusNaming.ForMetric(instrument, unit, type);

        Assert.NotNull(name);
        Assert.Equal(expectedSampleName, name.SampleName);
    }

    [Fact]
    public void ForMetric_ExponentialHistogram_IsLeftOut()
    {
        Assert.Null(PrometheusNaming.ForMetric("x", "s", MetricType.ExponentialHistogram));
    }

    [Theory]
    [InlineData("service.name", "service_name")]
    [InlineData("device", "device")]
    [InlineData("0day", "key_0day")]
    [InlineData("__meta", "key___meta")]
    [InlineData("ünit", "_nit")]
    [InlineData("", "key_")]
    public void SanitizeLabelName_Key_IsAValidLabelName(string key, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.SanitizeLabelName(key));
    }

    [Theory]
    [InlineData("a:b", "a_b")]
    [InlineData("9lives", "_9lives")]
    [InlineData("a..b", "a_b")]
    public void SanitizeMetricName_InvalidCharacters_BecomeSingleUnderscores(string name, string expected)
    {
        Assert.Equal(expected, PrometheusNaming.SanitizeMetricName(name));
    }
}
