using AiProfiler.Agent.Page;

namespace AiProfiler.Agent.Hosting;

/// <summary>Builds the agent's web host: configuration, services, Kestrel on the given URLs, endpoints.</summary>
internal static class AgentHost
{
    /// <summary>How long a stop (Ctrl+C, SIGTERM, service stop) may take before the host gives up waiting.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(4);

    public static WebApplication Build(string urls, string? configFile, string? pluginsDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.Sources.Clear();
        AgentConfiguration.AddSources(builder.Configuration, configFile);
        if (pluginsDirectory is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Plugins:Directory", Path.GetFullPath(pluginsDirectory))]);
        }

        builder.WebHost.UseUrls(urls);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddAiProfilerAgent(builder.Configuration);
        builder.Services.AddAgentPage(builder.Configuration);
        builder.Services.AddServiceLifetimes();

        var app = builder.Build();
        app.MapAgentMonitoringEndpoints();
        app.MapAgentPage();
        return app;
    }
}
