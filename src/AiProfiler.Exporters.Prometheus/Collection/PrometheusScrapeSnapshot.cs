using System.IO.Compression;
using AiProfiler.Exporters.Prometheus.Serialization;

namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// One collection, serialised in both formats, so that every scrape that joins or reuses it is answered from memory.
/// The gzip form of each format is made once, by the first scrape that asks for it.
/// </summary>
internal sealed class PrometheusScrapeSnapshot
{
    private readonly byte[] _text;
    private readonly byte[] _openMetrics;
    private readonly Lazy<byte[]> _gzipText;
    private readonly Lazy<byte[]> _gzipOpenMetrics;

    public PrometheusScrapeSnapshot(byte[] text, byte[] openMetrics)
    {
        _text = text;
        _openMetrics = openMetrics;
        _gzipText = new Lazy<byte[]>(() => Gzip(_text), LazyThreadSafetyMode.ExecutionAndPublication);
        _gzipOpenMetrics = new Lazy<byte[]>(() => Gzip(_openMetrics), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The response body for a format, gzip-compressed when asked.</summary>
    public byte[] Body(PrometheusFormat format, bool gzip) => (format, gzip) switch
    {
        (PrometheusFormat.OpenMetrics, true) => _gzipOpenMetrics.Value,
        (PrometheusFormat.OpenMetrics, false) => _openMetrics,
        (_, true) => _gzipText.Value,
        _ => _text,
    };

    private static byte[] Gzip(byte[] body)
    {
        using var compressed = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return compressed.ToArray();
    }
}
