using AiProfiler.Agent.Hosting;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Plugins;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// The services a one-shot command needs (plugins, devices, runner) built from the same registrations and
/// configuration as the agent, with log lines (such as a skipped plugin) going to standard error.
/// </summary>
internal sealed class CommandEnvironment : IDisposable
{
    private readonly ServiceProvider _services;

    private CommandEnvironment(ServiceProvider services) => _services = services;

    public PluginCatalog Catalog => _services.GetRequiredService<PluginCatalog>();

    public DeviceRegistry Devices => _services.GetRequiredService<DeviceRegistry>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public static CommandEnvironment Create(string? configFile, string? pluginsDirectory, TextWriter log, bool loadPlugins = true)
    {
        var configuration = AgentConfiguration.Build(configFile, pluginsDirectory);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b
            .SetMinimumLevel(LogLevel.Warning)
            .AddProvider(new TextWriterLoggerProvider(log)));
        services.AddAiProfilerCore(configuration);
        var environment = new CommandEnvironment(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        if (loadPlugins)
        {
            environment.Catalog.LoadAll();
        }

        return environment;
    }

    public void Dispose() => _services.Dispose();

    /// <summary>Writes "warning: message" lines, so a skipped plugin is one readable line on stderr.</summary>
    private sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(writer);

        public void Dispose()
        {
        }

        private sealed class Logger(TextWriter writer) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    writer.WriteLine($"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
                }
            }
        }
    }
}
