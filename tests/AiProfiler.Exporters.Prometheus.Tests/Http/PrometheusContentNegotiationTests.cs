using AiProfiler.Exporters.Prometheus.Http;
using AiProfiler.Exporters.Prometheus.Serialization;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Http;

public sealed class PrometheusContentNegotiationTests
{
    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "OpenMetrics")]
    [InlineData("application/openmetrics-text", "OpenMetrics")]
    [InlineData("Application/OpenMetrics-Text; Version=1.0.0; charset=utf-8", "OpenMetrics")]
    [InlineData("application/openmetrics-text, text/plain", "OpenMetrics")]
    [InlineData("text/plain, application/openmetrics-text", "Text")]
    [InlineData("text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5", "Text")]
    [InlineData("application/openmetrics-text;q=0.9,text/plain;q=0.5", "OpenMetrics")]
    [InlineData("application/openmetrics-text;version=2.0.0", "Text")]
    [InlineData("application/openmetrics-text;version=0.0.1", "Text")]
    [InlineData("application/openmetrics-text;q=0", "Text")]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Text")]
    [InlineData("*/*", "Text")]
    [InlineData("application/json", "Text")]
    [InlineData("", "Text")]
    [InlineData(null, "Text")]
    public void SelectFormat_AcceptHeader_PicksFormat(string? accept, string expected)
    {
        Assert.Equal(Enum.Parse<PrometheusFormat>(expected), PrometheusContentNegotiation.SelectFormat(accept));
    }

    [Theory]
    [InlineData("application/openmetrics-text;q=abc")]
    [InlineData("application/openmetrics-text;q=1.5")]
    [InlineData("application/openmetrics-text;q=-1")]
    [InlineData(";;;,,,;=;")]
    [InlineData("\u0000\u0001garbage")]
    [InlineData("application/openmetrics-text;version")]
    [InlineData("=application/openmetrics-text")]
    public void SelectFormat_MalformedHeader_FallsBackToText(string accept)
    {
        Assert.Equal(PrometheusFormat.Text, PrometheusContentNegotiation.SelectFormat(accept));
    }

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("br;q=1.0, GZIP;q=0.5", true)]
    [InlineData("*", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("deflate", false)]
    [InlineData("identity", false)]
    [InlineData("gzip;q=nonsense", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void AcceptsGzip_AcceptEncoding_HonoursQuality(string? acceptEncoding, bool expected)
    {
        Assert.Equal(expected, PrometheusContentNegotiation.AcceptsGzip(acceptEncoding));
    }
}
