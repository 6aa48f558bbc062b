using AiProfiler.Core.Hosting;
using AiProfiler.Core.Workers;
using AiProfiler.Exporters.Prometheus;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// <c>/metrics</c> (Prometheus text or OpenMetrics), <c>/healthz</c> (the process answers) and <c>/readyz</c> (200
/// once plugins and samplers have started, else 503 naming what is pending; quarantined plugins listed below).
/// </summary>
internal static class AgentMonitoringEndpoints
{
    public static WebApplication MapAgentMonitoringEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        // A quarantined plugin does not make the agent unready (everything else keeps running); it is listed, with the
        // reason, under the ready line.
        app.MapGet("/readyz", (AgentReadiness readiness, PluginQuarantine quarantine) =>
        {
            var quarantined = string.Concat(quarantine.Quarantined.Select(q => WorkerPool.Describe(q) + "\n"));
            return readiness.IsReady
                ? Results.Text("ready\n" + quarantined)
                : Results.Text($"not ready: waiting for {string.Join(", ", readiness.Pending)}\n" + quarantined, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
