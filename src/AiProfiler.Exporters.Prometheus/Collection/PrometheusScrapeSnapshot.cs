using System.IO.Compression;
using AiProfiler.Exporters.Prometheus.Serialization;

namespace AiProfiler.Exporters.Prometheus.Collection;

/// <summary>
/// One collection, serialised in both formats, so that every scrape that joins or reuses it is answered from memory.
/// The gzip form of each format is made once, by the first scrape that asks for it.
/// </summary>
internal sealed class PrometheusScrapeSnapshot
{
    private readonly byte[] text;
    private readonly byte[] openMetrics;
    private readonly Lazy<byte[]> gzipText;
    private readonly Lazy<byte[]> gzipOpenMetrics;

    public PrometheusScrapeSnapshot(byte[] text, byte[] openMetrics)
    {
        this.text = text;
        this.openMetrics = openMetrics;
        gzipText = new Lazy<byte[]>(() => Gzip(text), LazyThreadSafetyMode.ExecutionAndPublication);
        gzipOpenMetrics = new Lazy<byte[]>(() => Gzip(openMetrics), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The response body for a format, gzip-compressed when asked.</summary>
    public byte[] Body(PrometheusFormat format, bool gzip) => (format, gzip) switch
    {
        (PrometheusFormat.OpenMetrics, true) => gzipOpenMetrics.Value,
        (PrometheusFormat.OpenMetrics, false) => openMetrics,
        (_, true) => gzipText.Value,
        _ => text,
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
