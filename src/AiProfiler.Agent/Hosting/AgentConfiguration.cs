namespace AiProfiler.Agent.Hosting;

/// <summary>
/// Where configuration comes from, lowest precedence first: <c>appsettings.json</c> beside the agent, the file given
/// with <c>--config</c>, then environment variables prefixed <c>AIPROFILER_</c> (<c>AIPROFILER_Schedule__Enabled=false</c>).
/// </summary>
internal static class AgentConfiguration
{
    public const string EnvironmentPrefix = "AIPROFILER_";

    public static void AddSources(IConfigurationBuilder builder, string? configFile)
    {
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"configuration file '{configFile}' does not exist; check the --config path", full);
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
    }

    public static IConfiguration Build(string? configFile, string? pluginsDirectory)
    {
        var builder = new ConfigurationBuilder();
        AddSources(builder, configFile);
        if (pluginsDirectory is not null)
        {
            builder.AddInMemoryCollection([new("Plugins:Directory", pluginsDirectory), new("Plugins:HotReload", "false")]);
        }
        else
        {
            builder.AddInMemoryCollection([new("Plugins:HotReload", "false")]);
        }

        return builder.Build();
    }
}
