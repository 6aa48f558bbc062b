using System.Globalization;
using AiProfiler.Exporters.Prometheus.Serialization;

namespace AiProfiler.Exporters.Prometheus.Http;

/// <summary>
/// Picks the exposition format from <c>Accept</c> and compression from <c>Accept-Encoding</c>. Parsing never throws:
/// anything unknown or malformed falls back to the Prometheus text format, uncompressed.
/// </summary>
internal static class PrometheusContentNegotiation
{
    /// <summary>
    /// OpenMetrics 1.0 when the client asks for <c>application/openmetrics-text</c> (version 1.0.0 or unversioned)
    /// with a higher quality than the text format, or the same quality but listed first (Prometheus lists it first
    /// with the highest weight); the text format otherwise.
    /// </summary>
    public static PrometheusFormat SelectFormat(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return PrometheusFormat.Text;
        }

        double openMetricsQuality = 0;
        double textQuality = 0;
        var openMetricsFirst = false;
        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseRange(range, out var mediaType, out var version, out var quality) || quality <= 0)
            {
                continue;
            }

            if (mediaType == "application/openmetrics-text" && version is null or "1.0.0")
            {
                if (openMetricsQuality == 0 && textQuality == 0)
                {
                    openMetricsFirst = true;
                }

                openMetricsQuality = Math.Max(openMetricsQuality, quality);
            }
            else if ((mediaType == "text/plain" && version is null or "0.0.4") || mediaType is "text/*" or "*/*")
            {
                textQuality = Math.Max(textQuality, quality);
            }
        }

        var openMetrics = openMetricsQuality > textQuality || (openMetricsQuality > 0 && openMetricsQuality == textQuality && openMetricsFirst);
        return openMetrics ? PrometheusFormat.OpenMetrics : PrometheusFormat.Text;
    }

    /// <summary>True when <c>Accept-Encoding</c> lists <c>gzip</c> (or <c>*</c>) with a non-zero quality.</summary>
    public static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        foreach (var coding in acceptEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParseRange(coding, out var name, out _, out var quality) && quality > 0 && name is "gzip" or "*")
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseRange(string range, out string value, out string? version, out double quality)
    {
        version = null;
        quality = 1;
        var parts = range.Split(';', StringSplitOptions.TrimEntries);
        value = parts[0].ToLowerInvariant();
        if (value.Length == 0)
        {
            return false;
        }

        for (var i = 1; i < parts.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                continue;
            }

            // A parameter without a value makes the whole range unreadable: skip it rather than guess.
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var key = parts[i][..equals].Trim().ToLowerInvariant();
            var parameter = parts[i][(equals + 1)..].Trim().Trim('"');
            if (key == "q")
            {
                if (!double.TryParse(parameter, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality) || quality > 1)
                {
                    return false;
                }
            }
            else if (key == "version")
            {
                version = parameter;
            }
        }

        return true;
    }
}
