namespace AiProfiler.Agent.Hosting;

/// <summary>The agent's HTTP surface.</summary>
internal static class AgentEndpoints
{
    public static WebApplication MapAgentEndpoints(this WebApplication app)
    {
        app.MapAgentMonitoringEndpoints();
        return app;
    }
}
