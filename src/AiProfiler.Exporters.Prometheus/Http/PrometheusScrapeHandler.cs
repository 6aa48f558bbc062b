using AiProfiler.Exporters.Prometheus.Collection;
using AiProfiler.Exporters.Prometheus.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AiProfiler.Exporters.Prometheus.Http;

/// <summary>Answers one scrape from the cache: negotiate, take the (shared) snapshot, write its bytes.</summary>
internal static class PrometheusScrapeHandler
{
    public static async Task HandleAsync(HttpContext context, PrometheusPullMetricReader reader)
    {
        var request = context.Request;
        var response = context.Response;
        var format = PrometheusContentNegotiation.SelectFormat(request.Headers.Accept.ToString());
        var gzip = PrometheusContentNegotiation.AcceptsGzip(request.Headers.AcceptEncoding.ToString());

        PrometheusScrapeSnapshot snapshot;
        try
        {
            var pending = reader.Cache.GetSnapshotAsync();
            snapshot = pending.IsCompletedSuccessfully ? pending.Result : await pending.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (InvalidOperationException ex)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("metrics collection failed: " + ex.Message + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var body = snapshot.Body(format, gzip);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format == PrometheusFormat.OpenMetrics ? PrometheusTextSerializer.OpenMetricsContentType : PrometheusTextSerializer.TextContentType;
        response.Headers[HeaderNames.Vary] = "Accept, Accept-Encoding";
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
