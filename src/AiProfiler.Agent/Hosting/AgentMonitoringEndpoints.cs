using AiProfiler.Core.Hosting;
using AiProfiler.Exporters.Prometheus;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// <c>/metrics</c> (Prometheus text or OpenMetrics), <c>/healthz</c> (the process answers) and <c>/readyz</c> (200
/// once plugins and samplers have started, else 503 naming what is pending).
/// </summary>
internal static class AgentMonitoringEndpoints
{
    public static WebApplication MapAgentMonitoringEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (AgentReadiness readiness) => readiness.IsReady
            ? Results.Text("ready\n")
            : Results.Text($"not ready: waiting for {string.Join(", ", readiness.Pending)}\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }
}
