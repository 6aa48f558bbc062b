using AiProfiler.Exporters.Prometheus.Serialization;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Serialization;

public sealed class PrometheusNumberFormatterTests
{
    [Theory]
    [InlineData(0.0, "0", "0.0")]
    [InlineData(1.0, "1", "1.0")]
    [InlineData(-1.0, "-1", "-1.0")]
    [InlineData(0.005, "0.005", "0.005")]
    [InlineData(0.0001, "0.0001", "0.0001")]
    [InlineData(0.00001, "1e-05", "1e-05")]
    [InlineData(0.000001, "1e-06", "1e-06")]
    [InlineData(0.0000025, "2.5e-06", "2.5e-06")]
    [InlineData(123456.0, "123456", "123456.0")]
    [InlineData(1000000.0, "1e+06", "1e+06")]
    [InlineData(1.7e9, "1.7e+09", "1.7e+09")]
    [InlineData(600.0, "600", "600.0")]
    [InlineData(0.30000000000000004, "0.30000000000000004", "0.30000000000000004")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308", "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324", "5e-324")]
    [InlineData(double.NaN, "NaN", "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf", "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf", "-Inf")]
    public void Format_Value_MatchesPrometheusLayout(double value, string text, string openMetrics)
    {
        Assert.Equal(text, PrometheusNumberFormatter.Format(value, PrometheusFormat.Text));
        Assert.Equal(openMetrics, PrometheusNumberFormatter.Format(value, PrometheusFormat.OpenMetrics));
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(12345.678901234567)]
    [InlineData(-9.87654321e-10)]
    [InlineData(4.35e15)]
    public void Format_FiniteValue_ParsesBackToTheSameDouble(double value)
    {
        var text = PrometheusNumberFormatter.Format(value, PrometheusFormat.Text);

        Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }
}
